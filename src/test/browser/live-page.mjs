// Drives cvd's live page in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// no browser is downloaded) and reports what it saw as JSON lines on stdout:
//
//   node live-page.mjs URL SCREENSHOT.png
//
// 1. {"event":"ready"}: the page loaded and its socket is open; the caller starts a replay.
// 2. {"event":"cut"}: the page showed predictions twice; the caller closes the connection from
//    the server's side, and the page must say so and connect again by itself.
// 3. {"event":"result",...}: the two reads of the first product card, what the status said while
//    the socket was down, the final values once they stopped changing (the replay is over), the
//    number of chart points, and every console error, page error and failed request. The
//    screenshot is taken last.
//
// Exit codes: 0 when it could observe the page (the caller judges the result), 2 bad arguments,
// 3 missing prerequisites (playwright-core or Chromium), 4 the page did not behave.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CVD_CHROMIUM || '/usr/bin/chromium';
const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node live-page.mjs URL SCREENSHOT.png');
  process.exit(2);
}

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('playwright-core is not installed: run `npm ci` in src/test/browser (' + e.message + ')');
  process.exit(3);
}
if (!existsSync(CHROMIUM)) {
  console.error('Chromium not found at ' + CHROMIUM + ': install it with `apt-get install -y chromium`');
  process.exit(3);
}

const started = Date.now();
const errors = [];
const profile = mkdtempSync(join(tmpdir(), 'cvd-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1100, height: 640 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', m => {
    if (m.type() === 'error') errors.push('console: ' + m.text());
  });
  page.on('pageerror', e => errors.push('page error: ' + e.message));
  page.on('requestfailed', r => errors.push('request failed: ' + r.url() + ' ' + (r.failure()?.errorText || '')));

  let sockets = 0;
  page.on('websocket', () => sockets++);

  const response = await page.goto(url, { waitUntil: 'load' });
  const httpStatus = response ? response.status() : 0;
  const title = await page.title();
  await page.waitForSelector('body[data-status="live"]', { timeout: 20000 });
  emit({ event: 'ready' });

  const read = () =>
    page.evaluate(() => {
      const card = document.querySelector('.card');
      if (!card) return null;
      const text = sel => card.querySelector(sel)?.textContent ?? null;
      return {
        product: card.dataset.product,
        price: text('.price'),
        probability: text('.prob'),
        threshold: text('.threshold'),
        time: text('.time'),
        date: text('.date'),
        badge: text('.badge'),
        alert: card.classList.contains('alert'),
        points: Number(card.querySelector('.chart').dataset.points),
        features: Object.fromEntries(
          [...card.querySelectorAll('[data-feature]')].map(d => [d.dataset.feature, d.textContent])),
        model: document.getElementById('model').textContent,
        status: document.body.dataset.status,
        messages: document.getElementById('message-count').textContent,
        cards: document.querySelectorAll('.card').length,
      };
    });

  await page.waitForFunction(() => (document.querySelector('.card .price')?.textContent ?? '—') !== '—', null, {
    timeout: 30000,
  });
  const firstAt = Date.now() - started;
  const first = await read();
  await sleep(1500);
  const second = await read();

  // The caller closes the connection from the server's side: the page must show it and come back.
  emit({ event: 'cut' });
  const down = await page.waitForFunction(
    () => document.body.dataset.status === 'down' && document.getElementById('status-text').textContent,
    null,
    { timeout: 10000, polling: 20 },
  );
  const downText = await down.jsonValue();
  await page.waitForSelector('body[data-status="live"]', { timeout: 15000 });
  const reconnect = { down: downText, sockets, at: Date.now() - started };

  // Wait until the values stop changing (the replay is over), then read them and take the picture.
  let last = await read();
  let stableSince = Date.now();
  while (Date.now() - stableSince < 3000 && Date.now() - started < 90000) {
    await sleep(500);
    const now = await read();
    if (now.time !== last.time || now.points !== last.points) {
      last = now;
      stableSince = Date.now();
    }
  }
  const final = await read();
  await page.screenshot({ path: screenshot });
  emit({
    event: 'result',
    httpStatus,
    title,
    firstAt,
    first,
    second,
    reconnect,
    final,
    errors,
    elapsedMs: Date.now() - started,
  });
} catch (e) {
  emit({ event: 'failed', error: String(e && e.stack ? e.stack : e), errors, elapsedMs: Date.now() - started });
  process.exitCode = 4;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
