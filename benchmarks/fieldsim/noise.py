"""What the management system does to alarms on their way to the log.

* Delivery: an element reports over its management channel only while the
  NMS can reach it. Syslog/trap-style channels lose what is sent while
  unreachable; EMS-style channels keep a local alarm table and resynchronise
  the still-active alarms (with their original time stamps) when contact
  returns, and generate the clears they discover then.
* Loss (UDP traps), EMS processing delays, a northbound-interface stall that
  delivers a burst late, collectors that stamp receive time instead of
  device time.
* Device clocks skewed per element (a few badly, seconds to minutes).
* Duplicates (two collectors, re-notification), elements reporting under a
  host name that differs from the inventory id.
* Standing alarms raised before the window, exported with the active list.
* The log is written in arrival order, so time stamps are out of order.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .events import Sym
from .network import Network
from .render import Renderer
from .state import Timeline

__all__ = ["NoiseConfig", "draw_config", "deliver", "to_frame", "format_times", "CHANNEL"]

CHANNEL = {
    "cisco": "syslog",
    "juniper": "syslog",
    "nokia": "ems",
    "huawei": "ems",
    "ericsson": "ems",
    "zte": "ems",
}


@dataclass
class NoiseConfig:
    """Per-incident behaviour of the management system."""

    export_active: bool
    p_loss: dict[str, float]
    p_dup: float
    skew: dict[str, float]
    nms_skew: float
    stall: tuple[float, float] | None
    recv_stamp: bool
    resync_hist: float
    renamed: dict[str, str] = field(default_factory=dict)
    ts_style: str = "iso_z"
    tz_hours: int = 0
    alarm_id: bool = False
    source_col: bool = False


def draw_config(net: Network, rng: np.random.Generator, w0: float, w1: float) -> NoiseConfig:
    """Draw how this operator's NMS behaves during the incident."""
    ids = net.node_ids
    u = rng.random(len(ids))
    base = rng.normal(0, 0.4, len(ids))
    mid = rng.choice([-1, 1], len(ids)) * rng.uniform(1, 30, len(ids))
    bad = rng.choice([-1, 1], len(ids)) * rng.uniform(30, 400, len(ids))
    p_bad = float(rng.uniform(0.0, 0.05))
    skew = np.where(u < p_bad, bad, np.where(u < p_bad + 0.12, mid, base))
    stall = None
    if rng.random() < 0.3:
        a = float(rng.uniform(w0, w1))
        stall = (a, a + float(rng.uniform(60, 600)))
    renamed: dict[str, str] = {}
    if rng.random() < 0.12:
        for i in rng.choice(len(ids), size=int(rng.integers(1, 4)), replace=False):
            n = ids[int(i)]
            e = net.elements[n]
            renamed[n] = [
                n.lower(),
                f"{n}.{e.site.lower()}.net.example",
                n.replace("-", "_"),
                n.upper(),
            ][int(rng.integers(4))]
    style = rng.choice(
        ["iso_z", "iso_ms", "naive", "offset", "epoch"], p=[0.4, 0.15, 0.15, 0.15, 0.15]
    )
    return NoiseConfig(
        export_active=bool(rng.random() < 0.75),
        p_loss={"syslog": float(rng.uniform(0.002, 0.03)), "ems": float(rng.uniform(0.0, 0.006))},
        p_dup=float(rng.choice([0.0, rng.uniform(0.005, 0.05)], p=[0.3, 0.7])),
        skew={n: float(skew[i]) for i, n in enumerate(ids)},
        nms_skew=float(rng.normal(0, 0.5)),
        stall=stall,
        recv_stamp=bool(rng.random() < 0.2),
        resync_hist=float(rng.uniform(0, 0.5)),
        renamed={k: v for k, v in renamed.items() if v != k},
        ts_style=str(style),
        tz_hours=int(rng.choice([-5, 1, 2, 3, 5, 8])),
        alarm_id=bool(rng.random() < 0.5),
        source_col=bool(rng.random() < 0.5),
    )


def deliver(
    syms: list[Sym],
    net: Network,
    tl: Timeline,
    cfg: NoiseConfig,
    rng: np.random.Generator,
    w0: float,
    w1: float,
) -> list[tuple[float, float, Sym]]:
    """Decide which symptoms reach the log, when they arrive and their stamp time.

    Returns
    -------
    list of (arrival, stamp_time, Sym)
        ``stamp_time`` is the true time the row's time stamp is based on
        (device clock skew is added later).
    """
    syms = sorted(syms, key=lambda s: (s.t, s.device, s.code, s.clear))
    clears: dict[str, list[float]] = {}
    for s in syms:
        if s.clear:
            clears.setdefault(s.key, []).append(s.t)
    R = tl.reach_matrix()
    nseg = R.shape[0]

    def next_clear(s: Sym) -> float:
        ts = clears.get(s.key)
        if not ts:
            return float("inf")
        k = bisect.bisect_right(ts, s.t)
        return ts[k] if k < len(ts) else float("inf")

    def next_reach(i: int, k: int) -> float:
        for j in range(k + 1, nseg):
            if R[j, i]:
                return tl.bounds[j]
        return float("inf")

    delivered_raise: set[str] = set()
    out: list[tuple[float, float, Sym]] = []
    for s in syms:
        if s.t > w1:
            continue
        if s.t < w0:
            # only standing (still active) alarms survive, via the active-alarm export
            if cfg.export_active and not s.clear and not s.event and next_clear(s) > w0:
                out.append((w0 - 1.0 + float(rng.uniform(0, 0.5)), s.t, s))
                delivered_raise.add(s.key)
            continue
        if s.raiser is None:
            out.append((s.t + float(rng.uniform(0, 3)), s.t, s))
            if not s.clear:
                delivered_raise.add(s.key)
            continue
        if s.raiser not in net.nidx:  # element missing from inventory
            out.append((s.t + float(rng.uniform(0.1, 5)), s.t, s))
            continue
        i = net.nidx[s.raiser]
        if tl.node_down_at(s.raiser, s.t):
            continue
        k = tl.seg_index(s.t)
        e = net.elements[s.raiser]
        ch = CHANNEL.get(e.vendor, "ems")
        if R[k, i]:
            if rng.random() < cfg.p_loss[ch]:
                continue
            d = (
                rng.uniform(0.01, 1.5)
                if ch == "syslog"
                else rng.uniform(1, 20) + (rng.uniform(30, 180) if rng.random() < 0.05 else 0.0)
            )
            out.append((s.t + float(d), s.t, s))
            if not s.clear:
                delivered_raise.add(s.key)
            continue
        if ch == "syslog":
            continue  # sent into the void
        r = next_reach(i, k)
        if r > w1:
            continue
        when = r + float(rng.uniform(30, 300))
        if s.clear:
            if s.key in delivered_raise:
                out.append((when, when, s))  # the EMS discovers the clear on resync
                delivered_raise.discard(s.key)
        elif s.event:
            if rng.random() < cfg.resync_hist:
                out.append((when, s.t, s))
        elif next_clear(s) > r:
            out.append((when, s.t, s))
            delivered_raise.add(s.key)
    # a northbound stall delays a burst of notifications
    if cfg.stall is not None:
        a, b = cfg.stall
        out = [
            ((b + float(rng.uniform(0, 60))) if a <= arr <= b else arr, st, s) for arr, st, s in out
        ]
    return out


def format_times(ts: np.ndarray, style: str, tz_hours: int = 0) -> pd.Series:
    """Render epoch seconds in one of the time-stamp styles of the spec."""
    if style == "epoch":
        return pd.Series(np.round(ts, 3))
    if style == "offset":
        dt = pd.to_datetime(ts + tz_hours * 3600, unit="s")
        sign = "+" if tz_hours >= 0 else "-"
        return (
            pd.Series(dt.strftime("%Y-%m-%dT%H:%M:%S")).astype(str)
            + f"{sign}{abs(tz_hours):02d}:00"
        )
    dt = pd.to_datetime(ts, unit="s")
    if style == "iso_ms":
        return pd.Series(dt.strftime("%Y-%m-%dT%H:%M:%S.%f")).astype(str).str[:-3] + "Z"
    if style == "naive":
        return pd.Series(dt.strftime("%Y-%m-%d %H:%M:%S")).astype(str)
    return pd.Series(dt.strftime("%Y-%m-%dT%H:%M:%SZ")).astype(str)


def to_frame(
    delivered: list[tuple[float, float, Sym]],
    rend: Renderer,
    net: Network,
    cfg: NoiseConfig,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[str]]:
    """Render delivered symptoms into the alarms table (arrival order).

    Returns
    -------
    alarms : DataFrame
        The alarms.csv table.
    origins : list of str
        Per row, the origin of the symptom (diagnostics only).
    """
    recs: list[tuple] = []
    sources = {
        "cisco": "syslog-col-01",
        "juniper": "syslog-col-02",
        "nokia": "NSP",
        "huawei": "NCE-T",
        "ericsson": "ENM",
        "zte": "UME",
        "nms": "umbrella",
    }
    for arr, st, s in delivered:
        e = net.elements.get(s.device)
        if s.raiser is None or (
            cfg.recv_stamp and e is not None and CHANNEL.get(e.vendor) == "syslog"
        ):
            stamp = (arr if s.raiser is not None else st) + cfg.nms_skew
        else:
            stamp = st + cfg.skew.get(s.raiser, float(rng.normal(0, 20)))
        for j, (typ, sev, lid, msg) in enumerate(rend.rows(s)):
            jit = 0.0 if j == 0 else float(rng.uniform(0, 0.2))
            src = (
                "umbrella"
                if s.raiser is None and s.code == "PING_FAIL"
                else sources.get(e.vendor if e else "nms", "nms")
            )
            recs.append((arr + jit, stamp + jit, s.device, typ, sev, lid, msg, src, s.origin))
            if rng.random() < cfg.p_dup:
                same = rng.random() < 0.7
                recs.append(
                    (
                        arr + float(rng.uniform(0, 120)),
                        stamp + (0.0 if same else float(rng.uniform(1, 60))),
                        s.device,
                        typ,
                        sev,
                        lid,
                        msg,
                        src,
                        s.origin,
                    )
                )
    recs.sort(key=lambda r: (r[0], r[2], r[3]))
    devices = []
    for r in recs:
        d = r[2]
        if d in cfg.renamed and rng.random() < 0.8:
            d = cfg.renamed[d]
        devices.append(d)
    ts = np.array([r[1] for r in recs], dtype=float)
    df = pd.DataFrame(
        {
            "timestamp": format_times(ts, cfg.ts_style, cfg.tz_hours)
            if len(recs)
            else pd.Series([], dtype=str),
            "device": devices,
            "alarm_type": [r[3] for r in recs],
            "severity": [r[4] for r in recs],
            "link_id": [r[5] for r in recs],
            "message": [r[6] for r in recs],
        }
    )
    if cfg.source_col:
        df["source"] = [r[7] for r in recs]
    if cfg.alarm_id:
        start = int(rng.integers(100000, 9000000))
        df.insert(0, "alarm_id", np.arange(start, start + len(df)))
    return df, [r[8] for r in recs]
