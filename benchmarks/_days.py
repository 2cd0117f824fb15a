"""Long alarm logs ("days") made of simulated incidents, with the incident of every alarm.

One day is one network with ``k`` incidents at random times over 24 hours
(about a third of them start within ten minutes of the previous one, so
storms overlap) and the family's own background noise, every alarm labelled
with the incident that caused it or ``-1`` for background. Used by
``benchmarks/segmentation.py`` and ``notebooks/batch_report.ipynb``.

How each family gives one network and the labels:

* ``twin`` (:func:`rca.datasets.make_incident`): the incidents are drawn on
  one network with ``noise=0`` (every alarm is the incident's), and the
  background is the twin's own background generator run over the whole day
  (the same knobs an incident draws, then the same imperfect feed).
* ``othersim``: its network builder is made to return the day's network
  (a deep copy) for every incident, and its background generator marks its
  alarms; its "dirty connector" link flaps (changes of state, not alarms)
  are left out, as they cannot be told from the fault's alarms afterwards.
* ``fieldsim`` (held-out test family, benchmarks/fieldsim): its network
  builder likewise returns the day's network; it labels every alarm itself
  (``origins``). Alarms stamped more than an hour outside the incident's
  window (standing alarms from earlier weeks) are left out of the day.

This instrumentation replaces functions of the generators for the duration
of one call and restores them; it changes no draw of the fault or its
alarms.
"""

from __future__ import annotations

import copy
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

import rca
from rca import AlarmLog, Metrics, Topology
from rca.incident import RootCause, Truth

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DAY0 = pd.Timestamp("2026-05-04T00:00:00Z").timestamp()
FAMILIES = ("twin", "othersim", "fieldsim")


@dataclass
class Day:
    """A long log with its truth."""

    family: str
    topology: Topology
    alarms: pd.DataFrame          # timestamp (ISO), device, alarm_type, severity, link_id, message, truth_incident
    metrics: pd.DataFrame | None  # timestamp, entity, metric, value
    truths: list[Truth]           # per incident, its roots
    starts: list[float]           # per incident, its first root's time

    def alarm_log(self) -> AlarmLog:
        """The alarms as the library reads them; ``truth_incident`` rides along as an extra column."""
        return AlarmLog.from_frame(self.alarms, topology=self.topology, source=f"{self.family}-day")

    def metric_log(self) -> Metrics | None:
        return None if self.metrics is None else Metrics.from_frame(self.metrics, topology=self.topology)

    def write(self, folder: str | Path) -> Path:
        """A long-log folder: nodes.csv, links.csv, alarms.csv (+ metrics.csv), truth in day_truth.json."""
        import json

        folder = Path(folder)
        self.topology.write_csv(folder)
        self.alarms.drop(columns=["truth_incident"]).to_csv(folder / "alarms.csv", index=False)
        if self.metrics is not None:
            self.metrics.to_csv(folder / "metrics.csv", index=False)
        (folder / "day_truth.json").write_text(json.dumps(
            {"incidents": [{"start": rca._time.to_iso(s), **t.to_dict()} for s, t in zip(self.starts, self.truths)]},
            indent=1))
        return folder


def make_day(family: str, *, k: int = 8, size: str = "medium", seed: int = 0, metrics: bool = True) -> Day:
    """One day of ``family`` with ``k`` incidents (seeded; the same seed gives the same day)."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}; got {family!r}")
    rng = np.random.default_rng([seed, FAMILIES.index(family)])
    starts = _start_times(rng, k)
    return {"twin": _twin_day, "othersim": _othersim_day, "fieldsim": _fieldsim_day}[family](
        rng, starts, size, seed, metrics)


def _start_times(rng: np.random.Generator, k: int) -> list[float]:
    times: list[float] = []
    for i in range(k):
        if times and rng.random() < 0.35:
            times.append(times[-1] + float(rng.uniform(0, 600)))    # overlapping storms
        else:
            times.append(DAY0 + float(rng.uniform(3600, 23 * 3600)))
    return sorted(times)


def _frame(times: np.ndarray, table: pd.DataFrame, label: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame({"timestamp": [rca._time.to_iso(t) for t in times]})
    for c in ("device", "alarm_type", "severity", "link_id", "message"):
        out[c] = table[c].to_numpy() if c in table.columns else None
    out["truth_incident"] = label
    return out


def _finish(family: str, topo: Topology, parts: list[pd.DataFrame], mparts: list[pd.DataFrame],
            truths: list[Truth], starts: list[float]) -> Day:
    alarms = pd.concat(parts, ignore_index=True)
    order = np.argsort(_seconds(alarms["timestamp"]), kind="stable")
    alarms = alarms.iloc[order].reset_index(drop=True)
    metrics = None
    if mparts:
        metrics = pd.concat(mparts, ignore_index=True).drop_duplicates(["timestamp", "entity", "metric"])
    return Day(family, topo, alarms, metrics, truths, starts)


# ------------------------------------------------------------------- twin
def _twin_day(rng: np.random.Generator, starts: list[float], size: str, seed: int, metrics: bool) -> Day:
    from rca.datasets import make_incident, make_network

    net = make_network(size, random_state=int(rng.integers(2**31)))
    parts, mparts, truths = [], [], []
    for i, t_fault in enumerate(starts):
        inc = make_incident(net, noise=0.0, random_state=int(rng.integers(2**31)))
        shift = t_fault - pd.Timestamp(inc.truth.root_causes[0].time).timestamp()
        f = inc.alarms.frame
        parts.append(_frame(f["time"].to_numpy() + shift, f, np.full(len(f), i)))
        truths.append(_shift_truth(inc.truth, shift))
        if metrics and inc.metrics is not None:
            m = inc.metrics.frame
            mparts.append(pd.DataFrame({"timestamp": m["time"].to_numpy() + shift, "entity": m["entity"].to_numpy(),
                                        "metric": m["metric"].to_numpy(), "value": m["value"].to_numpy()}))
    parts.append(_twin_background(net, rng))
    return _finish("twin", net, parts, mparts, truths, starts)


def _twin_background(net: Topology, rng: np.random.Generator) -> pd.DataFrame:
    """The twin's background generator over the whole day, through its imperfect feed."""
    from rca.datasets._alarms_sim import background_alarms, deliver
    from rca.datasets._context import SimContext
    from rca.datasets._timeline import Timeline
    from rca.datasets._traffic import roles_of, route
    from rca.datasets._twin import _draw_knobs
    from rca.datasets._vocabulary import device_dialects

    k = _draw_knobs(rng, 1.0, {})
    k["flappers"] = 0.0   # "unrelated flaps around the fault" belong to an incident's window, not a day
    roles = roles_of(net)
    start, end = DAY0, DAY0 + 86400.0
    ctx = SimContext(net, roles, rng, k, start, end, start, route(roles))
    events = background_alarms(ctx)
    k["nms_dialect"] = "generic"
    feed = deliver(ctx, Timeline(net, []), events, device_dialects(roles.ids, k["vocabulary"], rng))
    times = _seconds(feed["timestamp"])
    return _frame(times, feed, np.full(len(feed), -1))


def _shift_truth(truth: Truth, shift: float) -> Truth:
    return Truth(tuple(RootCause(r.entity, r.kind, r.fault,
                                 rca._time.to_iso(pd.Timestamp(r.time).timestamp() + shift) if r.time else None)
                       for r in truth.root_causes))


def _truth_from_dict(d: dict, shift: float) -> Truth:
    return _shift_truth(Truth(tuple(RootCause(r["entity"], r["kind"], r.get("fault"), r.get("time"))
                                    for r in d["root_causes"])), shift)


@contextmanager
def _replaced(module: object, name: str, value: object) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def _seconds(column: pd.Series) -> np.ndarray:
    """Times of a generator's table (ISO with or without zone, or epoch text) as epoch seconds."""
    num = pd.to_numeric(column, errors="coerce")
    if num.notna().all():
        return num.to_numpy(dtype=float)
    stamps = pd.to_datetime(column, utc=True, format="mixed")
    return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


# --------------------------------------------------------------- othersim
def _othersim_day(rng: np.random.Generator, starts: list[float], size: str, seed: int, metrics: bool) -> Day:
    from rca.datasets.othersim import _incident as oi

    net_seed = int(rng.integers(2**31))
    base = oi.make_network(size, np.random.default_rng(net_seed), link_ids="default", naming=net_seed % 2)
    captured: dict[str, object] = {}

    def network(*args: object, **kwargs: object) -> object:
        return copy.deepcopy(base)

    def background(net, rng_, t0, t1):   # noqa: ANN001
        _, symptoms, effects = _orig_background(net, rng_, t0, t1)
        for s in symptoms:
            s.fields["_bg"] = True
        return [], symptoms, effects

    def render(net, symptoms, style, knobs, rng_):  # noqa: ANN001
        frame = _orig_render(net, symptoms, style, knobs, rng_)
        frame["_bg"] = [bool(s.fields.get("_bg")) for s in sorted(symptoms, key=lambda s: s.time)]
        return frame

    def degrade(alarms, nodes, rng_):  # noqa: ANN001
        out = _orig_degrade(alarms, nodes, rng_)
        captured["bg"] = out["_bg"].fillna(True).astype(bool).to_numpy()
        return out.drop(columns="_bg")

    _orig_background, _orig_render, _orig_degrade = oi.background, oi._render, oi.degrade
    parts, mparts, truths = [], [], []
    with _replaced(oi, "make_network", network), _replaced(oi, "background", background), \
            _replaced(oi, "_render", render), _replaced(oi, "degrade", degrade):
        for i, t_fault in enumerate(starts):
            sim = oi.make_incident(size, random_state=int(rng.integers(2**31)))
            shift = t_fault - pd.Timestamp(sim.truth["root_causes"][0]["time"]).timestamp()
            label = np.where(captured["bg"], -1, i)
            parts.append(_frame(_seconds(sim.alarms["timestamp"]) + shift, sim.alarms, label))
            truths.append(_truth_from_dict(sim.truth, shift))
            if metrics and sim.metrics is not None:
                m = sim.metrics
                mparts.append(pd.DataFrame({"timestamp": _seconds(m["timestamp"]) + shift,
                                            "entity": m["entity"].to_numpy(), "metric": m["metric"].to_numpy(),
                                            "value": m["value"].to_numpy()}))
    topo = Topology.from_frames(base.nodes.copy(), base.links.copy())
    return _finish("othersim", topo, parts, mparts, truths, starts)


# --------------------------------------------------------------- fieldsim
def _fieldsim_day(rng: np.random.Generator, starts: list[float], size: str, seed: int, metrics: bool) -> Day:
    import fieldsim
    from fieldsim.backbone import zoo_dir

    net_seed = int(rng.integers(2**31))
    base = fieldsim.build_network(size, np.random.default_rng(net_seed), zoo_dir())

    def network(*args: object, **kwargs: object) -> object:
        return copy.deepcopy(base)

    parts, mparts, truths = [], [], []
    nodes = links = None
    with _replaced(fieldsim, "build_network", network):
        for i, t_fault in enumerate(starts):
            inc = fieldsim.make_incident(size, int(rng.integers(2**31)))
            if nodes is None:
                nodes, links = inc.nodes, inc.links
            shift = t_fault - pd.Timestamp(inc.truth["root_causes"][0]["time"]).timestamp()
            window = inc.truth["fieldsim"]["window"]
            w0, w1 = (pd.Timestamp(window[k]).timestamp() for k in ("start", "end"))
            times = _seconds(inc.alarms["timestamp"])
            keep = (times >= w0 - 3600) & (times <= w1 + 3600)
            origins = np.asarray(inc.origins)
            label = np.where(origins == "bg", -1, i)
            parts.append(_frame(times[keep] + shift, inc.alarms.loc[keep], label[keep]))
            truths.append(_truth_from_dict(inc.truth, shift))
            if metrics and inc.metrics is not None:
                m = inc.metrics
                mparts.append(pd.DataFrame({"timestamp": _seconds(m["timestamp"]) + shift,
                                            "entity": m["entity"].to_numpy(), "metric": m["metric"].to_numpy(),
                                            "value": pd.to_numeric(m["value"], errors="coerce").to_numpy()}))
    topo = Topology.from_frames(nodes, links)
    return _finish("fieldsim", topo, parts, mparts, truths, starts)
