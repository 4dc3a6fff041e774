// The live page: predictions from /ws/predictions, one card per product. Plain JavaScript, no
// build step and nothing fetched from elsewhere; the charts are drawn on canvases.
'use strict';

(function () {
  const params = new URLSearchParams(location.search);
  const WINDOW_MINUTES = Math.min(120, Math.max(1, Number(params.get('minutes')) || 10));
  const WINDOW_US = WINDOW_MINUTES * 60e6;
  const RECONNECT_MIN_MS = 500;
  const RECONNECT_MAX_MS = 10000;
  const FEATURES = [
    ['ret_60s', 'ret 60 s', v => bp(v)],
    ['rv_60s', 'rv 60 s', v => bp(v)],
    ['rv_300s', 'rv 300 s', v => bp(v)],
    ['spread_bps', 'spread', v => v == null ? '—' : v.toFixed(v < 0.1 ? 4 : 2) + ' bp'],
    ['obi', 'imbalance', v => v == null ? '—' : signed(v, 2)],
  ];

  const products = new Map(); // product id -> {card, points, first, last, dirty}
  const el = id => document.getElementById(id);
  let messages = 0;
  let attempt = 0;
  let renderQueued = false;

  el('window-minutes').textContent = String(WINDOW_MINUTES);

  // ---- connection -------------------------------------------------------------------------

  function socketUrl() {
    const url = new URL('ws/predictions', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    if (params.get('product')) url.searchParams.set('product', params.get('product'));
    return url.href;
  }

  function setStatus(kind, text) {
    const s = el('status');
    s.className = 'status ' + kind;
    el('status-text').textContent = text;
    document.body.dataset.status = kind;
  }

  function connect() {
    setStatus('connecting', 'connecting…');
    const socket = new WebSocket(socketUrl());
    socket.onopen = () => {
      attempt = 0;
      setStatus('live', 'live');
    };
    socket.onmessage = event => {
      let m;
      try {
        m = JSON.parse(event.data);
      } catch (e) {
        return; // not ours; the stream goes on
      }
      if (m && typeof m.product_id === 'string') onPrediction(m);
    };
    socket.onclose = () => reconnectLater();
    socket.onerror = () => {}; // a close event follows
  }

  function reconnectLater() {
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt) * (0.8 + 0.4 * Math.random());
    attempt++;
    const due = Date.now() + delay;
    const tick = () => {
      const left = Math.max(0, due - Date.now());
      if (left === 0) {
        connect();
        return;
      }
      setStatus('down', 'disconnected · retrying in ' + Math.ceil(left / 1000) + ' s');
      setTimeout(tick, Math.min(left, 250));
    };
    tick();
  }

  // ---- data -------------------------------------------------------------------------------

  function onPrediction(m) {
    messages++;
    let p = products.get(m.product_id);
    if (!p) p = addProduct(m.product_id);
    const points = p.points;
    // Event time moves forward; an older message (after a reconnection) restarts the series.
    if (points.length && m.time_us < points[points.length - 1].t) points.length = 0;
    points.push({ t: m.time_us, p: m.probability, a: m.alert, mid: m.mid });
    let drop = 0;
    while (drop < points.length && points[drop].t < m.time_us - WINDOW_US) drop++;
    if (drop > 0) points.splice(0, drop);
    p.last = m;
    p.dirty = true;
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  }

  function addProduct(id) {
    el('empty')?.remove();
    const card = el('card-template').content.firstElementChild.cloneNode(true);
    card.dataset.product = id;
    card.querySelector('.product').textContent = id;
    const dl = card.querySelector('.features');
    for (const [name, label] of FEATURES) {
      const div = document.createElement('div');
      div.innerHTML = '<dt></dt><dd>—</dd>';
      div.firstChild.textContent = label;
      div.firstChild.title = name;
      div.lastChild.dataset.feature = name;
      dl.appendChild(div);
    }
    // Cards in product order.
    const main = el('products');
    const next = [...main.children].find(c => c.dataset.product > id);
    main.insertBefore(card, next || null);
    const p = { card, points: [], last: null, dirty: true };
    products.set(id, p);
    return p;
  }

  // ---- rendering --------------------------------------------------------------------------

  function render() {
    renderQueued = false;
    el('message-count').textContent = messages.toLocaleString('en-US');
    for (const p of products.values()) {
      if (!p.dirty) continue;
      p.dirty = false;
      const m = p.last;
      const card = p.card;
      card.classList.toggle('alert', m.alert === true);
      card.querySelector('.badge').textContent = m.alert ? 'spike alert' : 'calm';
      card.querySelector('.price').textContent = price(m.mid);
      card.querySelector('.prob').textContent = percent(m.probability);
      card.querySelector('.threshold').textContent = percent(m.threshold);
      card.querySelector('.time').textContent = (m.time || '').slice(11, 23) || '—';
      card.querySelector('.date').textContent = (m.time || '').slice(0, 10);
      for (const [name, , format] of FEATURES) {
        card.querySelector('[data-feature="' + name + '"]').textContent = format(m.features?.[name] ?? null);
      }
      el('model').textContent = 'model ' + m.model_name + ' v' + m.model_version;
      drawChart(card.querySelector('.chart'), p.points, m.threshold);
    }
  }

  function drawChart(canvas, points, threshold) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    canvas.dataset.points = String(points.length);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    if (!points.length) return;

    const pad = { left: 48, right: 64, top: 8, bottom: 18 };
    const plotW = w - pad.left - pad.right;
    const plotH = h - pad.top - pad.bottom;
    const tEnd = points[points.length - 1].t;
    const tStart = tEnd - WINDOW_US;
    const x = t => pad.left + ((t - tStart) / WINDOW_US) * plotW;
    // The probability axis spans the data and the threshold, with a little room around them.
    let lo = threshold || 0;
    let hi = threshold || 0;
    for (const q of points) {
      if (q.p < lo) lo = q.p;
      if (q.p > hi) hi = q.p;
    }
    const step = niceCeil(Math.max(hi - lo, 0.002) / 3);
    const yMin = Math.max(0, Math.floor((lo - 0.1 * step) / step) * step);
    const yMax = Math.min(1, Math.ceil((hi + 0.1 * step) / step) * step);
    let decimals = 0;
    while (decimals < 6 && Math.abs(Math.round(step * 100 * 10 ** decimals) - step * 100 * 10 ** decimals) > 1e-6) decimals++;
    const y = v => pad.top + plotH - ((v - yMin) / (yMax - yMin)) * plotH;

    // Alerts: the background of every stretch where the prediction is 1, up to the next point.
    g.fillStyle = 'rgba(239, 68, 68, 0.25)';
    let runStart = null;
    for (let i = 0; i <= points.length; i++) {
      const alert = i < points.length && points[i].a;
      if (alert && runStart === null) runStart = x(points[i].t);
      if (!alert && runStart !== null) {
        const end = i < points.length ? x(points[i].t) : x(points[points.length - 1].t) + 2;
        g.fillRect(Math.floor(runStart), pad.top, Math.max(1, Math.ceil(end) - Math.floor(runStart)), plotH);
        runStart = null;
      }
    }

    // Grid and axes.
    g.font = '10px "DejaVu Sans", sans-serif';
    g.fillStyle = '#8b9ab3';
    g.strokeStyle = 'rgba(139, 154, 179, 0.15)';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let v = yMin; v <= yMax + step / 2; v += step) {
      g.beginPath();
      g.moveTo(pad.left, Math.round(y(v)) + 0.5);
      g.lineTo(pad.left + plotW, Math.round(y(v)) + 0.5);
      g.stroke();
      g.fillText((v * 100).toFixed(decimals) + '%', pad.left - 5, y(v));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const minute = 60e6;
    const every = WINDOW_MINUTES > 30 ? 10 * minute : WINDOW_MINUTES > 10 ? 5 * minute : WINDOW_MINUTES > 4 ? 2 * minute : minute;
    for (let t = Math.ceil(tStart / every) * every; t <= tEnd; t += every) {
      const d = new Date(t / 1000);
      g.fillText(d.toISOString().slice(11, 16), x(t), pad.top + plotH + 4);
    }

    // The price, on its own scale (right axis).
    const mids = points.filter(q => q.mid != null);
    if (mids.length > 1) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const q of mids) {
        lo = Math.min(lo, q.mid);
        hi = Math.max(hi, q.mid);
      }
      if (hi - lo < 1e-9 * hi) {
        hi += 0.5;
        lo -= 0.5;
      }
      const py = v => pad.top + plotH - ((v - lo) / (hi - lo)) * plotH;
      line(g, mids, q => x(q.t), q => py(q.mid), 'rgba(203, 213, 225, 0.45)', 1);
      g.fillStyle = '#8b9ab3';
      g.textAlign = 'left';
      g.textBaseline = 'middle';
      g.fillText(price(hi), pad.left + plotW + 5, pad.top + 4);
      g.fillText(price(lo), pad.left + plotW + 5, pad.top + plotH - 4);
    }

    // The decision threshold.
    if (threshold) {
      g.save();
      g.setLineDash([5, 4]);
      g.strokeStyle = 'rgba(239, 68, 68, 0.9)';
      g.beginPath();
      g.moveTo(pad.left, y(threshold));
      g.lineTo(pad.left + plotW, y(threshold));
      g.stroke();
      g.restore();
    }

    // The probability.
    line(g, points, q => x(q.t), q => y(q.p), '#38bdf8', 1.6);
    const last = points[points.length - 1];
    g.fillStyle = last.a ? '#ef4444' : '#38bdf8';
    g.beginPath();
    g.arc(x(last.t), y(last.p), 3, 0, 2 * Math.PI);
    g.fill();
  }

  // A polyline with at most two vertices per pixel column (min and max), however many points.
  function line(g, points, fx, fy, color, width) {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.lineJoin = 'round';
    g.beginPath();
    let column = null;
    let lo = 0;
    let hi = 0;
    let started = false;
    const flush = () => {
      if (column === null) return;
      if (!started) {
        g.moveTo(column, lo);
        started = true;
      } else {
        g.lineTo(column, lo);
      }
      if (hi !== lo) g.lineTo(column, hi);
    };
    for (const q of points) {
      const px = Math.round(fx(q));
      const py = fy(q);
      if (px !== column) {
        flush();
        column = px;
        lo = hi = py;
      } else {
        lo = Math.min(lo, py);
        hi = Math.max(hi, py);
      }
    }
    flush();
    g.stroke();
  }

  // ---- formatting -------------------------------------------------------------------------

  function price(v) {
    if (v == null || !isFinite(v)) return '—';
    const digits = v >= 100 ? 2 : v >= 1 ? 4 : 6;
    return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function percent(v) {
    return v == null ? '—' : (v * 100).toFixed(2) + ' %';
  }

  function bp(v) {
    return v == null ? '—' : signed(v * 1e4, 2) + ' bp';
  }

  function signed(v, digits) {
    return (v < 0 ? '−' : '') + Math.abs(v).toFixed(digits);
  }

  function niceCeil(v) {
    const e = Math.pow(10, Math.floor(Math.log10(v)));
    for (const f of [1, 2, 2.5, 5, 10]) if (f * e >= v) return f * e;
    return 10 * e;
  }

  // ---- start ------------------------------------------------------------------------------

  fetch('version')
    .then(r => (r.ok ? r.json() : null))
    .then(v => {
      if (v && v.model && !products.size) el('model').textContent = 'model ' + v.model.name + ' v' + v.model.version;
      else if (v && !v.model) el('model').textContent = 'no model serving';
    })
    .catch(() => {});
  window.addEventListener('resize', () => {
    for (const p of products.values()) p.dirty = true;
    if (!renderQueued && products.size) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  });
  connect();
})();
