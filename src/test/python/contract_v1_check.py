#!/usr/bin/env python3
"""Independent reference implementation of cvd feature contract v1.

Written from the contract text (DESIGN.md, "Feature contract v1") and the
recording formats (data README), without looking at the Java code, to check
the output of `./cvd features RECORDING... --out FILE.parquet`.

Usage:
  contract_v1_check.py --cvd-parquet OUT.parquet RECORDING...   compare
  contract_v1_check.py --dump OUT.csv RECORDING...              own rows only
  --product ID   product id of flat rows that carry none (as cvd's --product)

Several recordings given together are one stream, in the order given.
Exit status: 0 = all rows match, 1 = mismatch, 2 = usage/input error.

Clarity over speed: windows are rescanned per row (slices of per-segment
lists, sums with math.fsum, i.e. the correctly rounded exact sum).
"""

import argparse
import bisect
import csv
import gzip
import json
import math
import re
import sys
from decimal import Decimal, ROUND_HALF_UP, InvalidOperation

US = 1_000_000
GAP_US = 60 * US
RET_LAGS = (1, 5, 30, 60)
RV_WINDOWS = (30, 60, 300)
WINDOWS = (30, 60, 300)
NAN = float("nan")

FEATURES = (
    [f"ret_{k}s" for k in RET_LAGS]
    + [f"rv_{w}s" for w in RV_WINDOWS]
    + [f"quote_rate_{w}s" for w in WINDOWS]
    + ["spread_bps"]
    + [f"spread_mean_{w}s" for w in WINDOWS]
    + ["obi"]
    + [f"obi_mean_{w}s" for w in WINDOWS]
    + [f"trade_rate_{w}s" for w in WINDOWS]
    + [f"trade_volume_{w}s" for w in WINDOWS]
    + [f"trade_imbalance_{w}s" for w in WINDOWS]
    + ["dt_prev_s"]
)
assert len(FEATURES) == 28


# ---------------------------------------------------------------- times

ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _days_from_civil(y, m, d):
    # proleptic Gregorian date -> days since 1970-01-01 (H. Hinnant's algorithm)
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def iso_to_us(s):
    """ISO-8601 -> UTC epoch microseconds; no zone = UTC; digits beyond 6 truncated."""
    m = ISO_RE.match(s.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    frac = (frac or "")[:6].ljust(6, "0")
    secs = _days_from_civil(int(y), int(mo), int(d)) * 86400 + int(hh) * 3600 + int(mi) * 60 + int(ss)
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        z = zone[1:].replace(":", "")
        off = int(z[:2]) * 3600 + (int(z[2:4]) * 60 if len(z) > 2 else 0)
        secs -= sign * off
    return secs * US + int(frac)


def epoch_to_us(v):
    """epoch seconds (decimal text) -> microseconds, rounded half up."""
    try:
        d = v if isinstance(v, Decimal) else Decimal(str(v).strip())
        if not d.is_finite():
            return None
        return int((d * US).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return None


def any_time_to_us(v):
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, Decimal, float)):
        return epoch_to_us(v)
    if isinstance(v, str):
        s = v.strip()
        if re.fullmatch(r"[+-]?\d+(\.\d*)?", s):
            return epoch_to_us(s)
        return iso_to_us(s)
    return None


def num(v):
    """A price/size field -> float, or None if missing/unparsable."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float, Decimal)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- events
# ("quote", pid, t, bid, bid_qty, ask, ask_qty)
# ("trade", pid, t, price, size, side)   side in "BUY", "SELL", None
# ("book",  pid, t)


def at_frame_events(fr, recv_us):
    ch = fr.get("channel")
    ft = any_time_to_us(fr.get("timestamp"))
    if ft is None:
        ft = recv_us
    events = fr.get("events") or []
    if ch == "ticker":
        for ev in events:
            for tk in ev.get("tickers") or []:
                yield ("quote", tk.get("product_id"), ft, num(tk.get("best_bid")),
                       num(tk.get("best_bid_quantity")), num(tk.get("best_ask")),
                       num(tk.get("best_ask_quantity")))
    elif ch == "market_trades":
        trades = []
        for ev in events:
            for tr in ev.get("trades") or []:
                t = any_time_to_us(tr.get("time"))
                if t is None:
                    t = ft
                side = str(tr.get("side") or "").upper()
                trades.append((t, tr.get("product_id"), num(tr.get("price")),
                               num(tr.get("size")), side if side in ("BUY", "SELL") else None))
        trades.sort(key=lambda x: x[0])  # stable: ties keep message order
        for t, pid, price, size, side in trades:
            yield ("trade", pid, t, price, size, side)
    elif ch == "l2_data":
        for ev in events:
            yield ("book", ev.get("product_id"), ft)


def exchange_frame_events(fr, recv_us):
    ty = fr.get("type")
    t = any_time_to_us(fr.get("time"))
    if t is None:
        t = recv_us
    pid = fr.get("product_id")
    if ty == "ticker":
        yield ("quote", pid, t, num(fr.get("best_bid")), num(fr.get("best_bid_size")),
               num(fr.get("best_ask")), num(fr.get("best_ask_size")))
    elif ty in ("match", "last_match"):
        maker = str(fr.get("side") or "").lower()
        side = {"buy": "SELL", "sell": "BUY"}.get(maker)  # taker is the opposite of the maker
        yield ("trade", pid, t, num(fr.get("price")), num(fr.get("size")), side)
    elif ty in ("l2update", "snapshot"):
        yield ("book", pid, t)


def frame_events(fr, recv_us):
    if not isinstance(fr, dict):
        return
    if "channel" in fr:
        yield from at_frame_events(fr, recv_us)
    elif "type" in fr:
        yield from exchange_frame_events(fr, recv_us)


def as_frame(v):
    if isinstance(v, dict):
        return v
    if isinstance(v, str):
        try:
            o = json.loads(v, parse_float=Decimal)
        except ValueError:
            return None
        return o if isinstance(o, dict) else None
    return None


def object_events(o):
    # protocol capture {"t": "recv"|..., "ts": s, "data": "<frame>"}: only received frames
    if "t" in o and o.get("t") != "recv":
        return
    recv = None
    for k in ("ts", "timestamp", "time"):
        if k in o and not isinstance(o[k], (dict, list)):
            recv = any_time_to_us(o[k])
            if recv is not None:
                break
    # collector wrapper around one Advanced Trade ticker entry (corpus)
    raw = o.get("raw")
    if isinstance(raw, dict) and "channel" not in raw and "timestamp" in o and \
            raw.get("type", "ticker") == "ticker" and "time" not in raw:
        bid = num(raw.get("best_bid"))
        ask = num(raw.get("best_ask"))
        if bid is None:
            bid = num(o.get("best_bid"))
        if ask is None:
            ask = num(o.get("best_ask"))
        yield ("quote", raw.get("product_id") or o.get("product_id"), iso_to_us(str(o["timestamp"])),
               bid, num(raw.get("best_bid_quantity")), ask, num(raw.get("best_ask_quantity")))
        return
    # a frame itself
    if "channel" in o or o.get("type") in ("ticker", "match", "last_match", "l2update", "snapshot"):
        yield from frame_events(o, recv)
        return
    # a frame wrapped under data/raw/payload/msg
    for k in ("data", "raw", "payload", "msg"):
        if k in o:
            fr = as_frame(o[k])
            if fr is not None:
                yield from frame_events(fr, recv)
            return
    # flat row {"ts": ISO, "product_id", "best_bid", "best_ask", ...}
    yield from flat_row_events(o, recv)


# Flat rows of other collectors (JSON objects, or CSV records read through their header):
# common spellings of each field, tried in this order.
FLAT_PRODUCT = ("product_id", "product", "symbol", "pair")
FLAT_TIME = ("event_time", "time", "timestamp", "ts")
FLAT_BID = ("best_bid", "bid", "bid_price")
FLAT_ASK = ("best_ask", "ask", "ask_price")
FLAT_BID_QTY = ("best_bid_size", "best_bid_quantity", "best_bid_qty", "bid_size", "bid_qty")
FLAT_ASK_QTY = ("best_ask_size", "best_ask_quantity", "best_ask_qty", "ask_size", "ask_qty")
FLAT_PRICE = ("price", "last_price", "trade_price")
FLAT_SIZE = ("size", "last_size", "qty", "quantity", "volume")


def first_present(o, names):
    """The value of the first of names that o has (even if empty), else None."""
    for k in names:
        if k in o:
            return o[k]
    return None


def first_nonempty(o, names):
    for k in names:
        v = o.get(k)
        if v is not None and v != "":
            return v
    return None


def flat_row_events(o, recv=None, default_product=None):
    """A flat ticker row is a quote; a flat row with a price and a size (and no bid/ask) a trade
    whose side, if any, is the taker's as written."""
    tv = first_nonempty(o, FLAT_TIME)
    t = any_time_to_us(tv) if tv is not None else None
    if t is None:
        t = recv
    pid = first_nonempty(o, FLAT_PRODUCT) or default_product
    has_bid = any(k in o for k in FLAT_BID)
    has_ask = any(k in o for k in FLAT_ASK)
    if has_bid or has_ask:
        yield ("quote", pid, t, num(first_present(o, FLAT_BID)), num(first_present(o, FLAT_BID_QTY)),
               num(first_present(o, FLAT_ASK)), num(first_present(o, FLAT_ASK_QTY)))
    elif any(k in o for k in FLAT_PRICE) and any(k in o for k in FLAT_SIZE):
        side = str(o.get("side") or "").upper()
        yield ("trade", pid, t, num(first_present(o, FLAT_PRICE)), num(first_present(o, FLAT_SIZE)),
               side if side in ("BUY", "SELL") else None)


def csv_header(line):
    """The column names of a CSV header line (every cell a name), else None."""
    cells = next(csv.reader([line]))
    if len(cells) >= 2 and all(re.fullmatch(r"[A-Za-z_][\w.]*", c.strip()) for c in cells):
        return [c.strip() for c in cells]
    return None


CAPTURE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\{.*)$")


def file_events(path, default_product=None):
    with open(path, "rb") as fb:
        magic = fb.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    header = None  # of a CSV recording, per file
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if not s:
                continue
            if s[0] not in "{[" and not CAPTURE_RE.match(s) and "," in s:
                names = csv_header(s)
                if names is not None:
                    header = names
                elif header is not None:
                    cells = next(csv.reader([s]))
                    if len(cells) == len(header):
                        row = {k: v.strip() for k, v in zip(header, cells)}
                        yield from flat_row_events(row, None, default_product)
                continue
            if s[0] == "{":
                try:
                    o = json.loads(s, parse_float=Decimal)
                except ValueError:
                    continue
                if isinstance(o, dict):
                    for ev in object_events(o):
                        if ev[1] is None and default_product is not None:
                            ev = (ev[0], default_product) + ev[2:]
                        yield ev
                continue
            m = CAPTURE_RE.match(s)
            if m:  # "<epoch s>: <frame>" (received); "wss://... <- s: frame" (sent) is skipped
                fr = as_frame(m.group(2))
                if fr is not None:
                    yield from frame_events(fr, epoch_to_us(m.group(1)))


# ---------------------------------------------------------------- features

def finite_pos(x):
    return x is not None and math.isfinite(x) and x > 0


class Product:
    def __init__(self):
        self.last_t = None      # monotone clamp over all event types
        self.in_segment = False
        self.seg_start = None
        self.prev_qt = None
        # quotes of the current segment
        self.q_t, self.q_mid, self.q_r2, self.q_spread = [], [], [], []
        self.q_obi0, self.q_obi_cnt = [], [0]    # obi with NaN as 0; prefix count of non-NaN
        # trades of the current segment
        self.tr_t, self.tr_size, self.tr_buy, self.tr_sell = [], [], [], []

    def clamp(self, t):
        if self.last_t is not None and t < self.last_t:
            t = self.last_t
        self.last_t = t
        return t

    def reset(self, t):
        self.in_segment = True
        self.seg_start = t
        self.prev_qt = None
        self.q_t, self.q_mid, self.q_r2, self.q_spread = [], [], [], []
        self.q_obi0, self.q_obi_cnt = [], [0]
        self.tr_t, self.tr_size, self.tr_buy, self.tr_sell = [], [], [], []


class Engine:
    def __init__(self):
        self.products = {}
        self.rows = []
        self.stats = {"quotes": 0, "invalid_quotes": 0, "trades": 0, "invalid_trades": 0,
                      "trades_dropped_no_segment": 0, "books": 0, "segments": 0, "no_time": 0}

    def prod(self, pid):
        p = self.products.get(pid)
        if p is None:
            p = self.products[pid] = Product()
        return p

    def on_event(self, ev):
        kind, pid, t = ev[0], ev[1], ev[2]
        if pid is None or t is None:
            self.stats["no_time"] += 1
            return
        if kind == "book":
            self.stats["books"] += 1
            self.prod(pid).clamp(t)
        elif kind == "trade":
            self.on_trade(pid, t, *ev[3:])
        elif kind == "quote":
            self.on_quote(pid, t, *ev[3:])

    def on_trade(self, pid, t, price, size, side):
        self.stats["trades"] += 1
        if not (finite_pos(price) and finite_pos(size)):
            self.stats["invalid_trades"] += 1
            return
        p = self.prod(pid)
        t = p.clamp(t)
        if not p.in_segment:
            self.stats["trades_dropped_no_segment"] += 1
            return
        p.tr_t.append(t)
        p.tr_size.append(size)
        p.tr_buy.append(size if side == "BUY" else 0.0)
        p.tr_sell.append(size if side == "SELL" else 0.0)

    def on_quote(self, pid, t, bid, bq, ask, aq):
        self.stats["quotes"] += 1
        if not (finite_pos(bid) and finite_pos(ask)) or bid > ask:
            self.stats["invalid_quotes"] += 1
            return
        p = self.prod(pid)
        t = p.clamp(t)
        if not p.in_segment or t - p.prev_qt > GAP_US:
            p.reset(t)
            self.stats["segments"] += 1
        mid = (bid + ask) / 2.0
        spread = 1e4 * (ask - bid) / mid
        if bq is None or aq is None or not math.isfinite(bq) or not math.isfinite(aq) \
                or bq < 0 or aq < 0 or bq + aq == 0:
            obi = NAN
        else:
            obi = (bq - aq) / (bq + aq)
        first = not p.q_t
        r2 = 0.0 if first else math.log(mid / p.q_mid[-1]) ** 2
        dt_prev = NAN if first else (t - p.prev_qt) / 1e6
        p.q_t.append(t)
        p.q_mid.append(mid)
        p.q_r2.append(r2)
        p.q_spread.append(spread)
        obi_ok = not math.isnan(obi)
        p.q_obi0.append(obi if obi_ok else 0.0)
        p.q_obi_cnt.append(p.q_obi_cnt[-1] + (1 if obi_ok else 0))
        p.prev_qt = t

        age = t - p.seg_start
        n = len(p.q_t)
        f = {}

        def qstart(w):
            # first quote index with time > t - w (window (t-w, t]; all times <= t)
            return bisect.bisect_right(p.q_t, t - w * US)

        for k in RET_LAGS:
            if age < k * US:
                f[f"ret_{k}s"] = NAN
            else:
                j = qstart(k) - 1  # last quote with t_j <= t - k
                f[f"ret_{k}s"] = math.log(mid / p.q_mid[j])
        for w in RV_WINDOWS:
            f[f"rv_{w}s"] = NAN if age < w * US else math.sqrt(math.fsum(p.q_r2[qstart(w):]))
        for w in WINDOWS:
            f[f"quote_rate_{w}s"] = NAN if age < w * US else (n - qstart(w)) / w
        f["spread_bps"] = spread
        for w in WINDOWS:
            if age < w * US:
                f[f"spread_mean_{w}s"] = NAN
            else:
                i = qstart(w)
                f[f"spread_mean_{w}s"] = math.fsum(p.q_spread[i:]) / (n - i)
        f["obi"] = obi
        for w in WINDOWS:
            if age < w * US:
                f[f"obi_mean_{w}s"] = NAN
            else:
                i = qstart(w)
                cnt = p.q_obi_cnt[n] - p.q_obi_cnt[i]
                f[f"obi_mean_{w}s"] = NAN if cnt == 0 else math.fsum(p.q_obi0[i:]) / cnt
        seen_trade = bool(p.tr_t)
        for w in WINDOWS:
            if age < w * US or not seen_trade:
                f[f"trade_rate_{w}s"] = NAN
                f[f"trade_volume_{w}s"] = NAN
                f[f"trade_imbalance_{w}s"] = NAN
            else:
                i = bisect.bisect_right(p.tr_t, t - w * US)
                f[f"trade_rate_{w}s"] = (len(p.tr_t) - i) / w
                f[f"trade_volume_{w}s"] = math.fsum(p.tr_size[i:])
                buy = math.fsum(p.tr_buy[i:])
                sell = math.fsum(p.tr_sell[i:])
                f[f"trade_imbalance_{w}s"] = NAN if buy + sell == 0 else (buy - sell) / (buy + sell)
        f["dt_prev_s"] = dt_prev
        self.rows.append((pid, t, [f[c] for c in FEATURES]))


def compute(paths, default_product=None):
    eng = Engine()
    for path in paths:
        for ev in file_events(path, default_product):
            eng.on_event(ev)
    return eng


# ---------------------------------------------------------------- output / compare

def us_to_iso(t):
    import datetime
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=t)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dump(rows, out):
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["product_id", "time_us", "time"] + FEATURES)
        for pid, t, vals in rows:
            w.writerow([pid, t, us_to_iso(t)] + [repr(v) for v in vals])


def read_parquet(path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    tab = pq.read_table(path)
    notes = []
    names = tab.column_names
    expected = ["product_id", "time"] + FEATURES
    missing = [c for c in expected if c not in names]
    if missing:
        raise SystemExit(f"parquet lacks columns: {missing} (has {names})")
    extra = [c for c in names if c not in expected]
    if extra:
        notes.append(f"extra columns (ignored): {extra}")
    feat_order = [c for c in names if c in FEATURES]
    if feat_order != FEATURES:
        notes.append(f"feature column order differs from the contract: {feat_order}")
    tcol = tab.column("time")
    ty = tcol.type
    scale = 1
    if pa.types.is_timestamp(ty):
        if ty.unit != "us" or (ty.tz or "").upper() not in ("UTC", "+00:00", "ETC/UTC", "Z"):
            notes.append(f"time column type is {ty}, contract/brief expects timestamp[us, tz=UTC]")
        scale = {"s": 10**6, "ms": 10**3, "us": 1, "ns": None}[ty.unit]
        ints = tcol.cast(pa.int64()).to_pylist()
        if scale is None:
            times = [None if v is None else v // 1000 for v in ints]
        else:
            times = [None if v is None else v * scale for v in ints]
    else:
        notes.append(f"time column type is {ty}, not a timestamp")
        times = tcol.to_pylist()
    pids = tab.column("product_id").to_pylist()
    cols = {}
    nulls = 0
    for c in FEATURES:
        vals = tab.column(c).to_pylist()
        nulls += sum(1 for v in vals if v is None)
        cols[c] = [NAN if v is None else float(v) for v in vals]
        if not pa.types.is_floating(tab.column(c).type):
            notes.append(f"column {c} has type {tab.column(c).type}")
    if nulls:
        notes.append(f"{nulls} null feature cells (treated as NaN)")
    return pids, times, cols, tab.num_rows, notes


def same(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def compare(rows, parquet, max_show=10):
    pids, times, cols, nrows, notes = read_parquet(parquet)
    for n in notes:
        print("note:", n)
    print(f"rows: python {len(rows)}, cvd {nrows}")
    mismatches = []
    per_col = {}
    n = min(len(rows), nrows)
    for i in range(n):
        pid, t, vals = rows[i]
        if pids[i] != pid:
            per_col["product_id"] = per_col.get("product_id", 0) + 1
            mismatches.append((i, "product_id", pid, pids[i]))
        if times[i] != t:
            per_col["time"] = per_col.get("time", 0) + 1
            mismatches.append((i, "time", t, times[i]))
        for c, v in zip(FEATURES, vals):
            o = cols[c][i]
            if not same(v, o):
                per_col[c] = per_col.get(c, 0) + 1
                mismatches.append((i, c, v, o))
    ok = not mismatches and len(rows) == nrows
    if len(rows) != nrows:
        print(f"ROW COUNT MISMATCH: python {len(rows)} vs cvd {nrows}")
    print(f"mismatching cells: {len(mismatches)}" + (f" by column: {per_col}" if per_col else ""))
    for i, c, v, o in mismatches[:max_show]:
        pid, t, _ = rows[i]
        print(f"  row {i} ({pid} {us_to_iso(t)}) {c}: python={v!r} cvd={o!r}")
    print("PASS" if ok else "FAIL")
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cvd-parquet", help="Parquet written by ./cvd features, to compare against")
    ap.add_argument("--dump", help="write this implementation's rows to a CSV file")
    ap.add_argument("--product", help="product id of flat rows that carry none (as cvd's --product)")
    ap.add_argument("recordings", nargs="+", help="recording files, one stream in the order given")
    a = ap.parse_args(argv)
    if not a.cvd_parquet and not a.dump:
        ap.error("give --cvd-parquet and/or --dump")
    eng = compute(a.recordings, a.product)
    print("python:", ", ".join(f"{k}={v}" for k, v in eng.stats.items()), f"rows={len(eng.rows)}")
    if a.dump:
        dump(eng.rows, a.dump)
        print(f"wrote {len(eng.rows)} rows to {a.dump}")
    if a.cvd_parquet:
        return 0 if compare(eng.rows, a.cvd_parquet) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
