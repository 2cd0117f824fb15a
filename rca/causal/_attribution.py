"""Root causes from metrics: DoWhy ``gcm`` anomaly attribution over a topology-derived SCM.

When an incident carries telemetry, the KPIs that turned anomalous are
attributed to the upstream KPIs that explain them (Janzing et al., 2019,
*Causal structure based root cause analysis of outliers*), through a
structural causal model whose graph comes from the topology
(:mod:`._kpi_graph`) and whose mechanisms are fitted on the incident's own
normal window. Step by step:

1. **Common grid.** Samples are binned on a grid whose step is the median
   sampling period (several samples in a bin are averaged). A gap of up to
   ``max_gap`` missing samples is interpolated linearly; a longer gap stays
   missing (marked) and is never turned into a value that looks normal,
   except in the normal window, where the series' normal median fills it for
   fitting (it then carries no information). At most ``max_samples`` grid
   steps are kept (the step is coarsened beyond that).
2. **Silence.** An element none of whose series reports for ``silent_after``
   consecutive steps (at the end of the window or in its middle, as a
   rebooting element does), after it reported at least twice, has *gone
   silent*, unless four or more elements stop and resume at the same steps:
   that is the collector's gap, not theirs.
   Its series leave the SCM (their missing values are neither normal nor
   anomalous) and the silence is evidence of its own: an upstream element,
   link or site whose failure cuts off exactly the silent elements explains
   it (:meth:`rca.topology.Topology.lost_if_fails`).
3. **Onset** (from the data only). Each series gets its best single
   mean-shift split (a two-sample t statistic over every split with at least
   3 steps each side); the splits of the series that shift strongly, and the
   times elements went silent, are pooled and the onset is their 20th
   percentile. Steps before it form the normal window (at least
   ``min_normal`` steps), steps from it on the anomalous window.
4. **Targets.** A series whose second-largest robust z-score in the
   anomalous window (so a one-sample blip does not count) exceeds
   ``z_threshold`` is an anomalous KPI; the ``max_targets`` strongest are
   attributed.
5. **SCM.** The graph is restricted to the targets and their upstream
   causes (``max_hops``), at most ``max_variables`` variables (the weakest
   targets go first). Root KPIs get an empirical distribution; every other
   KPI an additive noise model whose prediction is a non-negative ridge
   regression on its causes, with utilisation turned into the M/M/1 delay
   factor ``u / (100 - u)`` (more load on the path never lowers a
   downstream KPI, and delay grows that way with load), and every slope at
   least 0.05 target standard deviations per cause standard deviation (a
   normal window of a few samples cannot show a response on its own).
   Mechanisms are fitted on the normal window.
6. **Attribution.** :func:`dowhy.gcm.attribute_anomalies` splits each
   target's anomaly score (on its ``n_anomaly_samples`` most anomalous steps)
   among the noise of its ancestors; the positive shares are summed per
   entity, weighted by the target's strength.
7. **Ranking.** The symptoms are the attributed targets (each weighted by
   its strength, ``1 - exp(-(z - z_threshold / 2) / z_threshold)``) and the
   silent elements (weight 1 each). An entity explains the shares of the
   targets attributed to its KPIs, and the silent elements its failure would
   cut off (:meth:`rca.topology.Topology.lost_if_fails`), discounted by the
   overlap (Jaccard) of what it cuts off with what went silent. Its score is
   the share of all symptoms it explains, in [0, 1]. A site whose members'
   metrics implicate two or more of them scores 0.9 times its best member
   (a site fault is a power loss, which the silence scores show directly).

DoWhy draws from NumPy's global random state; the analysis seeds it from
``random_state`` and restores it afterwards, so results are deterministic
and the caller's random state is left untouched.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from rca._extras import require
from rca._text import plural
from rca.result import Candidate, Evidence, RCAResult
from rca.vocabulary import metric_role

from ._kpi_graph import SERVICE_ROLES, KPIGraph, kpi_graph

if TYPE_CHECKING:
    from rca.incident import Incident

__all__ = ["MetricAttribution", "attribution_ranking", "KPIWindow", "kpi_window"]

logger = logging.getLogger(__name__)

_KIND_ORDER = {"node": 0, "link": 1, "site": 2}
_SITE_FACTOR = 0.9  # a site implicated by its members' metrics scores this much of its best member
# This many elements or more that stop and resume reporting at the same grid steps are a
# gap in the collection (an outage of the collector), not elements that went down.
_COLLECTOR_GAP_ELEMENTS = 4


# ------------------------------------------------------------------ the grid
@dataclass
class KPIWindow:
    """An incident's KPIs on a common time grid, split at the onset.

    Attributes
    ----------
    values : pandas.DataFrame
        One row per grid step (index: epoch seconds), one column per KPI
        variable (``"metric@entity"``); short gaps interpolated, long gaps NaN.
    entity, metric : dict
        Variable -> its entity and metric name.
    period : float
        Grid step in seconds.
    onset : float
        Start of the anomalous window (epoch seconds).
    silent : dict
        Element -> time it went silent (last sample plus one step).
    notes : list of str
        What was capped, filled or could not be used.
    floor : dict
        Metric -> the smallest deviation that counts (1 % of its typical level).
    """

    values: pd.DataFrame
    entity: dict[str, str]
    metric: dict[str, str]
    period: float
    onset: float
    silent: dict[str, float]
    notes: list[str] = field(default_factory=list)
    floor: dict[str, float] = field(default_factory=dict)

    @property
    def normal(self) -> pd.DataFrame:
        """Rows before the onset."""
        return self.values[self.values.index < self.onset]

    @property
    def anomalous(self) -> pd.DataFrame:
        """Rows from the onset on."""
        return self.values[self.values.index >= self.onset]


def _fill_short_gaps(values: np.ndarray, max_gap: int) -> np.ndarray:
    """Linear interpolation inside runs of at most ``max_gap`` missing steps, per column."""
    out = values.copy()
    steps = np.arange(len(values))
    for j in range(values.shape[1]):
        col = values[:, j]
        miss = np.isnan(col)
        if not miss.any() or miss.all():
            continue
        known = np.flatnonzero(~miss)
        # run boundaries: each missing step's previous and next known steps
        nxt = np.searchsorted(known, steps, side="left")
        inside = miss & (nxt > 0) & (nxt < len(known))
        if not inside.any():
            continue
        prev_k = known[np.clip(nxt - 1, 0, len(known) - 1)]
        next_k = known[np.clip(nxt, 0, len(known) - 1)]
        short = inside & (next_k - prev_k - 1 <= max_gap)
        if short.any():
            out[short, j] = np.interp(steps[short], known, col[known])
    return out


def _first_long_gap(seen: np.ndarray, length: int) -> int | None:
    """Start of the first run of at least ``length`` unreported steps after two reports, or None."""
    first = np.flatnonzero(seen)
    if len(first) < 2:
        return None
    run = 0
    for i in range(int(first[1]) + 1, len(seen)):
        run = 0 if seen[i] else run + 1
        if run >= length:
            return i - length + 1
    return None


def _split_points(
    values: np.ndarray, floor: np.ndarray, min_side: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Best single mean-shift split of every column: (split index, t statistic).

    ``floor`` is the smallest standard deviation each column is credited with.
    """
    n_t, n_v = values.shape
    best_k = np.zeros(n_v, dtype=np.int64)
    best_t = np.zeros(n_v)
    if n_t < 2 * min_side:
        return best_k, best_t
    ok = ~np.isnan(values)
    x = np.where(ok, values, 0.0)
    c_n = np.cumsum(ok, axis=0)
    c_s = np.cumsum(x, axis=0)
    c_q = np.cumsum(x * x, axis=0)
    tot_n, tot_s, tot_q = c_n[-1], c_s[-1], c_q[-1]
    for k in range(min_side, n_t - min_side + 1):
        n1, s1, q1 = c_n[k - 1], c_s[k - 1], c_q[k - 1]
        n2, s2, q2 = tot_n - n1, tot_s - s1, tot_q - q1
        with np.errstate(divide="ignore", invalid="ignore"):
            m1, m2 = s1 / n1, s2 / n2
            ss = np.maximum(q1 - n1 * m1 * m1, 0) + np.maximum(q2 - n2 * m2 * m2, 0)
            sd = np.sqrt(ss / np.maximum(n1 + n2 - 2, 1))
            scale = np.maximum(
                np.maximum(sd, floor), 0.02 * np.abs(np.where(np.isfinite(m1), m1, 0.0))
            )
            t = np.abs(m2 - m1) / (scale * np.sqrt(1.0 / n1 + 1.0 / n2))
        t = np.where((n1 >= min_side) & (n2 >= min_side) & np.isfinite(t), t, 0.0)
        better = t > best_t
        best_t[better] = t[better]
        best_k[better] = k
    return best_k, best_t


def kpi_window(
    metrics: pd.DataFrame,
    known: set[str],
    nodes: set[str],
    *,
    max_gap: int = 2,
    silent_after: int = 3,
    min_normal: int = 4,
    max_samples: int = 400,
    shift_t: float = 8.0,
) -> KPIWindow:
    """Put an incident's KPIs on a common grid, find silences and the onset.

    Parameters
    ----------
    metrics : pandas.DataFrame
        :attr:`rca.metrics.Metrics.frame` (``time, entity, metric, value``).
    known : set of str
        Node and link ids of the topology; samples of other entities are left out.
    nodes : set of str
        The node ids (only elements go silent).
    max_gap, silent_after, min_normal, max_samples, shift_t
        See :class:`MetricAttribution`.

    Returns
    -------
    KPIWindow
    """
    notes: list[str] = []
    frame = metrics[metrics["entity"].isin(known)]
    if len(frame) < len(metrics):
        notes.append(
            f"{plural(len(metrics) - len(frame), 'sample')} of entities not in the topology left out"
        )
    entity = frame["entity"].astype(str).to_numpy()
    metric = frame["metric"].astype(str).to_numpy()
    names = (
        np.char.add(np.char.add(metric.astype(str), "@"), entity.astype(str))
        if len(frame)
        else np.array([])
    )
    times = frame["time"].to_numpy(dtype="float64")
    codes, uniques = pd.factorize(names)
    order = np.lexsort((times, codes))
    same = codes[order][1:] == codes[order][:-1]
    gaps = np.diff(times[order])[same]
    period = float(np.median(gaps[gaps > 0])) if (gaps > 0).any() else 60.0
    t0 = float(times.min())
    span = float(times.max()) - t0
    if span / period + 1 > max_samples:
        coarse = float(np.ceil((span / period + 1) / max_samples))
        notes.append(
            f"grid step coarsened from {period:g} s to {period * coarse:g} s (at most {max_samples} steps)"
        )
        period *= coarse
    step = np.rint((times - t0) / period).astype(np.int64)
    n_t = int(step.max()) + 1
    grid = np.full((n_t, len(uniques)), np.nan)
    sums = np.zeros_like(grid)
    counts = np.zeros_like(grid)
    np.add.at(sums, (step, codes), frame["value"].to_numpy(dtype="float64"))
    np.add.at(counts, (step, codes), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        grid = np.where(counts > 0, sums / counts, np.nan)
    index = t0 + period * np.arange(n_t)
    var_entity = dict(zip(names.tolist(), entity.tolist()))
    var_metric = dict(zip(names.tolist(), metric.tolist()))
    columns = [str(u) for u in uniques]

    # the smallest change that counts: 1 % of the metric's typical level across entities
    # (a link at 0 % utilisation moving to 0.3 % is noise, not a 100-sigma event)
    level = pd.Series(np.abs(frame["value"].to_numpy(dtype="float64"))).groupby(metric).median()
    metric_floor = {str(k): max(0.01 * float(v), 1e-6) for k, v in level.items()}

    # silence: no series of an element reports for silent_after steps, after it reported twice
    reported = counts > 0
    silent: dict[str, float] = {}
    by_elem: dict[str, list[int]] = {}
    for j, c in enumerate(columns):
        if var_entity[c] in nodes:
            by_elem.setdefault(var_entity[c], []).append(j)
    spells: dict[tuple[int, int], list[str]] = {}
    for elem, cols in by_elem.items():
        seen = np.asarray(reported[:, cols].any(axis=1), dtype=bool)
        start = _first_long_gap(seen, silent_after)
        if start is not None:
            silent[elem] = float(index[start])
            back = np.flatnonzero(seen[start:])
            if len(back):
                spells.setdefault((start, start + int(back[0])), []).append(elem)
    # the collector's gap, not the elements': many elements stop and resume at the same steps
    for (start, end), elems in spells.items():
        if len(elems) >= _COLLECTOR_GAP_ELEMENTS:
            for elem in elems:
                del silent[elem]
            notes.append(
                f"{len(elems)} elements stopped and resumed reporting together "
                f"({index[start]:.0f}-{index[end]:.0f}): read as a collection gap, not as silence"
            )

    filled = _fill_short_gaps(grid, max_gap)
    n_long = int(
        np.isnan(filled[:, [j for j, c in enumerate(columns) if var_entity[c] not in silent]]).sum()
    )
    if n_long > 0:
        notes.append(
            f"{plural(n_long, 'sample')} in gaps longer than {plural(max_gap, 'step')} left missing"
        )

    # onset: the 20th percentile of strong mean shifts and of silences
    live = [j for j, c in enumerate(columns) if var_entity[c] not in silent]
    floor = np.asarray([metric_floor[var_metric[columns[j]]] for j in live])
    split, stat = _split_points(filled[:, live], floor)
    strong = stat >= shift_t
    marks = np.concatenate(
        [index[np.clip(split[strong], 0, n_t - 1)], np.fromiter(silent.values(), float)]
    )
    if len(marks):
        onset = float(np.quantile(marks, 0.2, method="lower"))
    else:
        onset = float(index[n_t // 2])
        notes.append(
            "no clear change in the metrics; the onset is taken at the middle of the window"
        )
    earliest = float(index[min(min_normal, n_t - 1)])
    if onset < earliest:
        notes.append(f"onset moved later to keep {min_normal} normal samples")
        onset = earliest
    values = pd.DataFrame(filled, index=pd.Index(index, name="time"), columns=columns)
    return KPIWindow(values, var_entity, var_metric, period, onset, silent, notes, metric_floor)


# ------------------------------------------------------- the SCM mechanisms
class _LoadResponse:
    """A non-negative ridge regression on causes, utilisation as M/M/1 delay factor.

    Implements :class:`dowhy.gcm.ml.PredictionModel` (fit / predict / clone).

    Parameters
    ----------
    load_columns : numpy.ndarray of bool
        Which inputs are utilisation in percent (transformed to ``u / (100 - u)``).
    alpha : float
        Ridge penalty on standardised inputs.
    min_slope : float
        Smallest response to each cause, in target standard deviations per
        cause standard deviation: a prior that more load or cpu upstream
        raises a downstream KPI at least slightly, which a short normal
        window cannot show on its own.
    """

    def __init__(
        self, load_columns: np.ndarray, alpha: float = 1.0, min_slope: float = 0.05
    ) -> None:
        self.load_columns = np.asarray(load_columns, dtype=bool)
        self.alpha = alpha
        self.min_slope = min_slope

    def _features(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float).reshape(len(X), -1).copy()
        if self.load_columns.any():
            u = np.clip(X[:, self.load_columns], 0.0, 99.0)
            X[:, self.load_columns] = u / (100.0 - u)
        return X

    def fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        from sklearn.linear_model import Ridge

        F = self._features(X)
        self.center_ = F.mean(axis=0)
        self.scale_ = np.where(F.std(axis=0) > 1e-9, F.std(axis=0), 1.0)
        y = np.asarray(Y, dtype=float).ravel()
        model = Ridge(alpha=self.alpha, positive=True).fit((F - self.center_) / self.scale_, y)
        y_scale = float(y.std()) if y.std() > 1e-9 else max(abs(float(y.mean())) * 0.01, 1e-6)
        self.coef_ = np.maximum(model.coef_, self.min_slope * y_scale)
        self.intercept_ = float(y.mean())

    def predict(self, X: np.ndarray) -> np.ndarray:
        F = (self._features(X) - self.center_) / self.scale_
        return (self.intercept_ + F @ self.coef_).reshape(-1, 1)

    def clone(self) -> _LoadResponse:
        return _LoadResponse(self.load_columns, self.alpha, self.min_slope)


def _dowhy_gcm():
    """``dowhy.gcm``, imported without changing how the user's Python session prints.

    Importing DoWhy calls SymPy's ``init_printing()``, which replaces
    ``sys.displayhook`` (a REPL or notebook would then print ``('a', 1)`` as
    ``(a, 1)``); the hook is put back.
    """
    hook = sys.displayhook
    try:
        require("causal", "dowhy", feature="metric attribution (DoWhy)")
        from dowhy import gcm
    finally:
        sys.displayhook = hook
    return gcm


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed NumPy's and Python's global RNGs (DoWhy uses them) and restore them afterwards."""
    config = _dowhy_gcm().config

    np_state, py_state, bars = np.random.get_state(), random.getstate(), config.show_progress_bars
    np.random.seed(seed)
    random.seed(seed)
    config.show_progress_bars = False
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
        config.show_progress_bars = bars


# --------------------------------------------------------------- the ranker
@dataclass
class _Target:
    variable: str
    strength: float  # in (0, 1]
    z: float
    shares: dict[str, float] = field(
        default_factory=dict
    )  # variable -> share of the target's anomaly


class MetricAttribution(BaseEstimator):
    """Rank root causes by attributing an incident's anomalous KPIs with DoWhy ``gcm``.

    How the graph is built, the onset found, gaps and silences handled and
    the scores formed is described in the module docstring
    (:mod:`rca.causal._attribution`) and in :mod:`rca.causal._kpi_graph`.

    Parameters
    ----------
    random_state : int, default 0
        Seed for DoWhy's sampling (its Shapley permutations, noise draws).
    max_hops : int, default 8
        How far upstream (elements and links) a cause of a KPI may be.
    z_threshold : float, default 6.0
        Robust z-score a KPI must reach, on at least two anomalous steps, to
        be a target.
    max_targets : int, default 12
        Most anomalous KPIs attributed (the strongest).
    cause_z : float, default 3.0
        Robust z-score an upstream KPI must reach to be a candidate cause of
        a target (a KPI that stayed normal cannot explain an anomaly).
    max_causes : int, default 4
        Most causes per target (the strongest), so that DoWhy computes exact
        Shapley values over at most 5 players.
    max_variables : int, default 80
        Most KPI variables in the SCM.
    n_anomaly_samples : int, default 3
        Anomalous steps attributed per target (its most anomalous ones).
    num_distribution_samples : int, default 500
        Samples DoWhy draws from the normal distribution per attribution.
    max_gap : int, default 2
        Longest run of missing steps that is interpolated.
    silent_after : int, default 3
        Missing steps at the end of the window after which an element is silent.
    min_normal : int, default 4
        Fewest normal steps to fit on.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> incident = make_incident(fault="cpu_overload", random_state=3)
    >>> result = MetricAttribution(random_state=0).rank(incident, max_candidates=3)
    >>> print(result.method, len(result) <= 3)
    attribution True
    """

    method_name = "attribution"

    def __init__(
        self,
        *,
        random_state: int = 0,
        max_hops: int = 8,
        z_threshold: float = 6.0,
        max_targets: int = 12,
        cause_z: float = 3.0,
        max_causes: int = 4,
        max_variables: int = 80,
        n_anomaly_samples: int = 3,
        num_distribution_samples: int = 500,
        max_gap: int = 2,
        silent_after: int = 3,
        min_normal: int = 4,
    ) -> None:
        self.random_state = random_state
        self.max_hops = max_hops
        self.z_threshold = z_threshold
        self.max_targets = max_targets
        self.cause_z = cause_z
        self.max_causes = max_causes
        self.max_variables = max_variables
        self.n_anomaly_samples = n_anomaly_samples
        self.num_distribution_samples = num_distribution_samples
        self.max_gap = max_gap
        self.silent_after = silent_after
        self.min_normal = min_normal

    # -- public ----------------------------------------------------------
    def rank(self, incident: Incident, max_candidates: int = 20) -> RCAResult:
        """Rank root-cause candidates of an incident from its metrics.

        Parameters
        ----------
        incident : Incident
        max_candidates : int, default 20

        Returns
        -------
        RCAResult
            ``method="attribution"``; empty, with a note, when the incident
            has no usable metrics.
        """
        start = time.perf_counter()
        name = getattr(incident, "name", "incident")
        n_alarms = (
            len(incident.alarms.frame) if getattr(incident, "alarms", None) is not None else 0
        )

        def empty(note: str, notes: Sequence[str] = ()) -> RCAResult:
            return RCAResult(
                name,
                (),
                time.perf_counter() - start,
                self.method_name,
                n_alarms,
                tuple(notes) + (note,),
            )

        metrics = incident.metrics
        if metrics is None or len(metrics) == 0:
            return empty("no metrics: metric attribution needs telemetry (metrics.csv)")
        topo = incident.topology
        nodes = set(topo.node_ids)
        window = kpi_window(
            metrics.frame,
            nodes | set(topo.links.index),
            nodes,
            max_gap=self.max_gap,
            silent_after=self.silent_after,
            min_normal=self.min_normal,
        )
        notes = list(window.notes)
        if window.values.shape[1] == 0:
            return empty("no metrics of entities in the topology", notes)
        normal = window.normal
        if len(normal) < self.min_normal or len(window.anomalous) == 0:
            return empty(
                f"too few samples to split into a normal and an anomalous window "
                f"({len(normal)} normal, {len(window.anomalous)} anomalous)",
                notes,
            )
        z = self._scores(window, topo)
        targets = self._targets(z, notes)
        graph = kpi_graph(
            topo,
            [(window.entity[v], window.metric[v]) for v in window.values.columns],
            max_hops=self.max_hops,
        )
        if targets:
            with _seeded(self.random_state):
                self._attribute(window, graph, targets, z, notes)
        candidates = self._candidates(incident, window, graph, targets, max_candidates)
        if not candidates:
            notes.append("no anomalous KPI and no silent element: nothing to attribute")
        logger.info(
            "metric attribution of %s: %d targets, %d silent, %d candidates",
            name,
            len(targets),
            len(window.silent),
            len(candidates),
        )
        return RCAResult(
            name,
            tuple(candidates),
            time.perf_counter() - start,
            self.method_name,
            n_alarms,
            tuple(notes),
        )

    # -- steps -----------------------------------------------------------
    def _scores(self, window: KPIWindow, topology: Any) -> dict[str, float]:
        """Robust z-score of every live KPI: its second-largest deviation after the onset.

        KPIs of silent elements, and of links with a silent end (whose traffic
        stops because the end did), are left out: the silence explains them.
        """

        def silenced(v: str) -> bool:
            e = window.entity[v]
            return e in window.silent or (
                e not in topology
                and any(end in window.silent for end in topology.link_endpoints(e))
            )

        live = [v for v in window.values.columns if not silenced(v)]
        before = window.normal[live].to_numpy(dtype=float)
        after = window.anomalous[live].to_numpy(dtype=float)
        enough = ((~np.isnan(before)).sum(axis=0) >= 3) & ((~np.isnan(after)).sum(axis=0) >= 2)
        live = [v for v, ok in zip(live, enough) if ok]
        if not live:
            return {}
        before, after = before[:, enough], after[:, enough]
        base = np.nanmedian(before, axis=0)
        spread = 1.4826 * np.nanmedian(np.abs(before - base), axis=0)
        floor = np.array([window.floor.get(window.metric[v], 1e-6) for v in live])
        scale = np.maximum(np.maximum(spread, 0.05 * np.abs(base)), floor)
        deviation = np.abs(after - base) / scale
        deviation[np.isnan(deviation)] = -np.inf
        second = np.sort(deviation, axis=0)[-2]
        return {v: float(z) for v, z in zip(live, second)}

    def _targets(self, z: dict[str, float], notes: list[str]) -> list[_Target]:
        """The anomalous KPIs, strongest first (at most ``max_targets``)."""
        out = [
            _Target(v, float(1.0 - np.exp(-(s - self.z_threshold / 2) / self.z_threshold)), s)
            for v, s in z.items()
            if s >= self.z_threshold
        ]
        out.sort(key=lambda t: (-t.z, t.variable))
        if len(out) > self.max_targets:
            notes.append(f"{len(out)} anomalous KPIs; the {self.max_targets} strongest attributed")
        return out[: self.max_targets]

    def _attribute(
        self,
        window: KPIWindow,
        graph: KPIGraph,
        targets: list[_Target],
        z: dict[str, float],
        notes: list[str],
    ) -> None:
        """Fit the SCM on the normal window and attribute each target."""
        import networkx as nx

        gcm = _dowhy_gcm()
        from dowhy.gcm.shapley import ShapleyConfig

        # the SCM: each target with its upstream causes that moved too (at most max_causes)
        scm_graph = nx.DiGraph()
        used: list[_Target] = []
        for t in targets:
            causes = [
                p for p in graph.graph.predecessors(t.variable) if z.get(p, 0.0) >= self.cause_z
            ]
            causes = sorted(causes, key=lambda p: (-z[p], p))[: self.max_causes]
            new = {t.variable, *causes} - set(scm_graph.nodes)
            if scm_graph.number_of_nodes() + len(new) > self.max_variables and used:
                notes.append(
                    f"SCM capped at {self.max_variables} variables: "
                    f"{len(targets) - len(used)} weaker targets not attributed"
                )
                break
            scm_graph.add_node(t.variable)
            scm_graph.add_edges_from((p, t.variable) for p in causes)
            used.append(t)
        # a target that is also a cause of another keeps its own causes: the graph stays a DAG
        # because every edge points downstream (see rca.causal._kpi_graph)
        scm = gcm.InvertibleStructuralCausalModel(scm_graph)
        for v in scm_graph.nodes:
            parents = sorted(scm_graph.predecessors(v))
            if not parents:
                scm.set_causal_mechanism(v, gcm.EmpiricalDistribution())
            else:
                load = np.asarray([metric_role(window.metric[p]) == "load" for p in parents])
                scm.set_causal_mechanism(v, gcm.AdditiveNoiseModel(_LoadResponse(load)))
        columns = sorted(scm_graph.nodes)
        normal = window.normal[columns]
        normal_median = normal.median()
        normal = normal.fillna(normal_median).fillna(0.0)
        gcm.fit(scm, normal)
        anomalous = window.anomalous[columns]
        fill = anomalous.fillna(normal_median).fillna(0.0)
        config = ShapleyConfig(n_jobs=1)
        for t in used:
            deviation = (anomalous[t.variable] - normal_median[t.variable]).abs().dropna()
            rows = deviation.sort_values(ascending=False, kind="stable").index[
                : self.n_anomaly_samples
            ]
            contrib = gcm.attribute_anomalies(
                scm,
                t.variable,
                anomaly_samples=fill.loc[rows],
                num_distribution_samples=self.num_distribution_samples,
                shapley_config=config,
            )
            mean = {v: float(np.mean(a)) for v, a in contrib.items()}
            total = sum(max(a, 0.0) for a in mean.values())
            if total > 0:
                t.shares = {v: max(a, 0.0) / total for v, a in mean.items() if a > 0}

    def _candidates(
        self,
        incident: Any,
        window: KPIWindow,
        graph: KPIGraph,
        targets: list[_Target],
        max_candidates: int,
    ) -> list[Candidate]:
        topo = incident.topology
        # symptoms: each attributed target (weighted by its strength) and each silent element (weight 1)
        attr: dict[str, float] = {}
        best: dict[str, tuple[float, _Target, str]] = {}
        for t in targets:
            for v, share in t.shares.items():
                e = window.entity[v]
                attr[e] = attr.get(e, 0.0) + t.strength * share
                if e not in best or t.strength * share > best[e][0]:
                    best[e] = (t.strength * share, t, v)
        silent = set(window.silent)
        total = sum(t.strength for t in targets if t.shares) + len(silent)

        # silence: what each upstream entity's failure cuts off, against the silent elements;
        # it explains the silent elements it cuts off, discounted by the overlap (Jaccard)
        reporting = {window.entity[v] for v in window.values.columns} & set(topo.node_ids)
        sil: dict[str, tuple[float, str, int]] = {}
        if silent:
            cands: set[tuple[str, str]] = set()
            for s_elem in silent:
                cands.add((s_elem, "node"))
                for u in graph._upstream.ancestors(s_elem, 10**6):
                    cands.add((u, "node" if u in topo else "link"))
                site = topo.site_of(s_elem)
                if site is not None:
                    cands.add((site, "site"))
            for e, kind in cands:
                lost = set(topo.lost_if_fails(e, kind)) & reporting
                inter = len(lost & silent)
                if inter:
                    sil[e] = (inter / len(lost | silent), kind, inter)

        # score: the share of all symptoms an entity explains
        scored: dict[tuple[str, str], float] = {}
        for e, a in attr.items():
            kind = "node" if e in topo else "link"
            jac, _, inter = sil.get(e, (0.0, kind, 0))
            scored[(e, kind)] = (a + jac * inter) / total
        for e, (jac, kind, inter) in sil.items():
            if (e, kind) not in scored:
                scored[(e, kind)] = jac * inter / total
        # a site from attribution: two or more implicated members; it ranks below its best
        # member (a site fault is a power loss, which the silence scores already show)
        node_scores = {e: v for (e, k), v in scored.items() if k == "node"}
        for site, members in topo.sites.items():
            vals = sorted((node_scores.get(m, 0.0) for m in members), reverse=True)
            if len(vals) >= 2 and vals[1] >= 0.25 * vals[0] > 0:
                scored[(site, "site")] = max(
                    scored.get((site, "site"), 0.0), _SITE_FACTOR * vals[0]
                )

        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], _KIND_ORDER[kv[0][1]], kv[0][0]))
        out = []
        for rank, ((e, kind), score) in enumerate(ranked[:max_candidates], start=1):
            out.append(
                self._candidate(rank, e, kind, score, topo, window, graph, targets, best, sil, attr)
            )
        return out

    def _candidate(
        self,
        rank: int,
        entity: str,
        kind: str,
        score: float,
        topo: Any,
        window: KPIWindow,
        graph: KPIGraph,
        targets: list[_Target],
        best: dict,
        sil: dict,
        attr: dict,
    ) -> Candidate:
        members = topo.sites[entity] if kind == "site" else [entity]
        evidence: list[Evidence] = []
        reasons: list[str] = []
        fault = None
        # attribution evidence: each target this entity (or a site member) explains
        cited = []
        for t in targets:
            for v, share in t.shares.items():
                if window.entity[v] in members and share >= 0.05:
                    cited.append((t.strength * share, t, v, share))
        cited.sort(key=lambda c: (-c[0], c[1].variable))
        for _, t, v, share in cited[:4]:
            src = window.entity[v]
            dst = window.entity[t.variable]
            walk = graph.path(src, dst)
            path = walk if kind != "site" else [entity] + walk
            why = (
                f"{share:.0%} of the anomaly of {window.metric[t.variable]} at {dst} (robust z {t.z:.0f}) "
                f"is attributed to {window.metric[v]} at {src}"
            )
            evidence.append(Evidence(tuple(path), why, (), "metrics"))
        if cited:
            _, t, v, share = cited[0]
            fault = _fault_of(kind, window, v, t)
            # name the strongest KPI of the candidate and what it explains downstream, if anything
            downstream = [c for c in cited if c[2] != c[1].variable]
            own = [c for c in cited if c[2] == c[1].variable]
            if downstream:
                _, t2, v2, share2 = downstream[0]
                more = len({c[1].variable for c in cited}) - 1
                reasons.append(
                    f"{window.metric[v2]} at {window.entity[v2]} explains {share2:.0%} of the anomaly of "
                    f"{window.metric[t2.variable]} at {window.entity[t2.variable]}"
                    + (f" and shares of {plural(more, 'more anomalous KPI')}" if more else "")
                )
            else:
                _, t2, v2, share2 = own[0]
                reasons.append(
                    f"{window.metric[v2]} at {window.entity[v2]} is anomalous (robust z {t2.z:.0f}); "
                    f"{share2:.0%} of it is its own, not explained upstream"
                )
        n_silenced = 0
        if entity in sil:
            frac, _, inter = sil[entity]
            lost = [s for s in sorted(window.silent) if s in set(topo.lost_if_fails(entity, kind))]
            for s in lost[:3]:
                walk = (
                    graph.path(entity, s)
                    if kind != "site"
                    else [entity] + graph.path(_nearest(topo, s, members), s)
                )
                if kind == "node" and walk[0] != entity:
                    walk = [entity] + walk
                evidence.append(
                    Evidence(tuple(walk), f"{s} stopped reporting metrics", (), "metrics")
                )
            n_silenced = len(lost)
            reasons.append(
                f"its failure would silence {plural(len(lost), 'element')} that stopped reporting "
                f"(overlap {frac:.0%})"
            )
            if fault is None or frac * inter >= attr.get(entity, 0.0):
                fault = {"node": "node_down", "link": "link_down", "site": "site_power"}[kind]
        if not evidence:
            evidence.append(
                Evidence((entity,), "implicated by its site members' metrics", (), "metrics")
            )
        return Candidate(
            rank,
            entity,
            kind,
            float(np.clip(score, 0.0, 1.0)),
            fault or "degradation",
            f"{kind} {entity}: " + "; ".join(reasons),
            tuple(evidence),
            explained=len(cited) + n_silenced,
            contradicted=0,
            scores={"attribution": float(np.clip(score, 0.0, 1.0))},
        )


def _nearest(topo: Any, target: str, members: list[str]) -> str:
    if target in members:
        return target
    best = min(members, key=lambda m: len(topo.shortest_path(m, target) or range(10**6)))
    return best


def _fault_of(kind: str, window: KPIWindow, variable: str, target: _Target) -> str:
    """A fault type guess from the role of the KPI that explains the anomaly, and its direction."""
    role = metric_role(window.metric[variable])
    normal = window.normal[variable].median()
    after = window.anomalous[variable].median()
    if role == "cpu":
        return "cpu_overload"
    if role == "load":
        return "congestion" if after >= normal else ("link_down" if kind == "link" else "node_down")
    if role in SERVICE_ROLES:
        return "sla_degradation"
    return "degradation"


def attribution_ranking(
    incident: Incident, *, max_candidates: int = 20, random_state: int = 0
) -> RCAResult:
    """Metric attribution as a ranked source: :meth:`MetricAttribution.rank` with defaults.

    Parameters
    ----------
    incident : Incident
    max_candidates : int, default 20
    random_state : int, default 0

    Returns
    -------
    RCAResult
    """
    return MetricAttribution(random_state=random_state).rank(
        incident, max_candidates=max_candidates
    )
