"""What one hypothesis predicts, matched against what was observed.

A :class:`Footprint` holds, for a fault at its best-fitting time, the
observations it can produce (each with the chance that it does), the
predicted symptoms that never arrived (:class:`~._outage.Slots`), the
elements that kept alarming although the fault should have silenced them,
and, for a load fault, the highest level its own metric reached. The
likelihood (:mod:`._likelihood`) turns this into evidence for or against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .._observe import Observations
from ._hypotheses import Hypothesis
from ._load import LOAD_FAULTS, load_footprint, peak_level
from ._outage import OUTAGES, Slots, outage_footprint
from ._timing import RECOVERY_S, best_fault_time

__all__ = ["Footprint", "predict"]

# How long after the fault a dead element's own alarms stop contradicting it
# (it came back), and how soon they start to (clock skew): seconds.
_ALIVE_FROM_S = 60.0


@dataclass(eq=False)  # compared by identity: one per hypothesis and context
class Footprint:
    """A hypothesis matched against the observations.

    Attributes
    ----------
    hyp : Hypothesis
    t_fault : float
        The fault time that explains the most (epoch seconds).
    explained : dict
        Observation index -> the chance that the fault produces it (0, 1].
    slots : Slots
        Predicted symptoms seen and missing.
    contradictions : list of (str, float)
        Elements alarming after the fault that should have silenced them,
        with 1.0 for an element it kills and 0.5 for one it cuts off.
    level : float or None
        For a load fault, the highest level its own series reached.
    """

    hyp: Hypothesis
    t_fault: float
    explained: dict[int, float]
    slots: Slots
    contradictions: list[tuple[str, float]] = field(default_factory=list)
    level: float | None = None
    #: log-likelihood ratio against the background alone (:mod:`._likelihood`)
    llr: float = 0.0
    #: evidence features (:mod:`._features`) and the score the ranker gives them
    x: object = None
    log_score: float = 0.0


def predict(h: Hypothesis, obs: Observations, used: frozenset, value) -> Footprint:
    """Match ``h`` against ``obs``, leaving out observations in ``used`` (explained by earlier roots).

    ``value(i, factor)`` is what explaining observation ``i`` with that
    chance is worth; it chooses the fault time.
    """
    items = obs.items
    direct: dict[int, float] = {}

    def take(i: int, factor: float) -> None:
        if i not in used and factor > direct.get(i, 0.0):
            direct[i] = factor

    slots = Slots()
    if h.fault in OUTAGES:
        slots = outage_footprint(h, obs, take)
    if h.fault in LOAD_FAULTS:
        load_footprint(h, obs, take)
    direct = dict(sorted(direct.items()))
    worth = {i: value(i, f) for i, f in direct.items()}
    t_fault, explained = best_fault_time(direct, items, obs.onset, worth)
    return Footprint(
        h, t_fault, explained, slots, _contradictions(h, obs, t_fault), peak_level(h, obs)
    )


def _contradictions(h: Hypothesis, obs: Observations, t_fault: float) -> list[tuple[str, float]]:
    """Elements that should be dead or unreachable but alarmed soon after the fault.

    Much later they may simply be back: an element that announced its
    restart or sent a clear is up again from then on, and after
    :data:`~._timing.RECOVERY_S` any element may have recovered.
    """
    items = obs.items
    out = []
    for u in sorted(h.lost):
        restarts = [
            items[i].time
            for i in obs.by_entity.get(u, ())
            if items[i].role == "restart" and items[i].time > t_fault - _ALIVE_FROM_S
        ]
        clears = [t for t in obs.recovered.get(u, ()) if t > t_fault + _ALIVE_FROM_S]
        back = min(restarts + clears, default=t_fault + RECOVERY_S)
        late = [
            t
            for t in obs.alive_after.get(u, ())
            if t_fault + _ALIVE_FROM_S < t < min(back, t_fault + RECOVERY_S)
        ]
        if late:
            out.append((u, 1.0 if u in h.dead else 0.5))
    return out
