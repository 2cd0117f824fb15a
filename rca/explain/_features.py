"""What the likelihood model says about one hypothesis, as a short vector of evidence features.

The ranker's score is a weighted sum of these features, with weights learned
across many randomised networks (:mod:`._learn`). Every feature is relative
to the incident in front of it (shares of its own symptoms, its own
reporting rates) or a plain count, and none names a fault type, an alarm
name or a vendor: weights learned on one simulator's fault mix or alarm
vocabulary do not transfer to another's, and the choice of this short list
was made by fitting on one development family and testing on the other.

Features (each a float):

- ``log_coverage``, ``log_precision``: the log of the share of the incident's
  symptom weight it explains, and of the share of its own evidence that is
  for it rather than against it: explained weight over explained weight
  plus what it predicted but was not seen (half a symptom for each element
  the NMS should have lost but did not report, when the NMS reports losses
  at all, and 0.3 for each live end of a failed link that reported
  nothing), one and a half for each element that kept alarming though it
  should be dead, and 0.5. Their sum is the log of the score of a
  hand-weighted coverage-times-precision ranker, which the learned weights
  generalise;
- ``coverage``: the share of the incident's symptom weight it explains,
  each symptom counted with the chance the fault produces it;
- ``breadth``: log of one plus the number of elements whose symptoms it explains;
- ``roles``: how many kinds of symptom it explains (an outage is seen by
  ports, routing, the NMS and services at once);
- ``missing_lost``, ``missing_ports``: evidence against it (nats) from
  predicted symptoms that never arrived, at the incident's own reporting
  rates (:meth:`~._likelihood.EvidenceModel.missing`);
- ``contradicted``: elements that kept alarming though it silenced them
  (1 for each it kills, 0.5 for each it cuts off);
- ``below_capacity``: for a load fault, minus the log of how likely its own
  metric's peak is under it (:func:`~._load.level_factor`);
- ``transient``: the share of its explained symptoms that cleared by
  themselves or flapped (background-like), except those a degrading link
  produces in spells;
- ``persistent``: the share of its explained symptoms still standing at the
  end of the log;
- ``off_onset``: how far its fault time is from the start of the densest
  burst of alarms, in units of half an hour (at most 1);
- ``log_prior``: the documented prior odds of its kind of fault
  (:mod:`._prior`), which decide between footprints nothing else separates.

The list was chosen by fitting on one development family and testing on
the other, both ways (AC@1 and calibration of the first answer): a longer
list with per-role evidence, per-fault-type priors and symptom shares fit
either family better and transferred far worse.
"""

from __future__ import annotations

import math

import numpy as np

from .._observe import Observations
from ._footprint import Footprint
from ._likelihood import EvidenceModel
from ._load import level_factor
from ._prior import is_announced, log_prior

__all__ = ["FEATURES", "features"]

#: Feature names, in the order of :func:`features`' vector.
FEATURES: tuple[str, ...] = (
    "log_coverage",
    "log_precision",
    "log_prior",
    "coverage",
    "breadth",
    "roles",
    "missing_lost",
    "missing_ports",
    "contradicted",
    "below_capacity",
    "transient",
    "persistent",
    "off_onset",
)
_INDEX = {name: k for k, name in enumerate(FEATURES)}

# The weights of evidence against a hypothesis in ``log_precision``, in
# symptom units: an unreported lost element (a dead one a fifth more), a
# silent end of a failed link, an element alarming though dead, and a
# pseudo-count that keeps a hypothesis explaining one symptom from scoring
# as precise as one explaining a storm. (Those of the hand-weighted ranker.)
_LOST, _DEAD_EXTRA, _PORT, _CONTRADICTED, _PSEUDO = 0.5, 0.2, 0.3, 1.5, 0.5
_FLOOR = 1e-6

# Symptoms a degrading link produces in spells: flapping is what it predicts.
_FLAPPING = frozenset({"link", "protocol", "comm_lost", "silent"})


def features(fp: Footprint, obs: Observations, model: EvidenceModel) -> np.ndarray:
    """The evidence features of ``fp`` (see the module docstring), in :data:`FEATURES` order."""
    x = np.zeros(len(FEATURES))
    items = obs.items
    h = fp.hyp
    symptom = transient = persistent = 0.0
    entities = set()
    roles = set()
    for i, f in fp.explained.items():
        o = items[i]
        symptom += o.weight * f
        if not (
            h.fault == "link_degraded" and o.role in _FLAPPING
        ):  # a degrading link flaps by nature
            transient += 1.0 - model.reliability(i)
        persistent += o.open > 0
        entities.add(o.entity)
        roles.add(o.role)
    n = max(1, len(fp.explained))
    total = model.total_weight or 1.0
    x[_INDEX["coverage"]] = symptom / total
    x[_INDEX["breadth"]] = math.log1p(len(entities))
    x[_INDEX["roles"]] = len(roles)
    x[_INDEX["missing_lost"]], x[_INDEX["missing_ports"]] = model.missing(fp)
    x[_INDEX["contradicted"]] = sum(w for _, w in fp.contradictions)
    if h.fault in ("congestion", "cpu_overload"):
        x[_INDEX["below_capacity"]] = -math.log(level_factor(fp.level))
    x[_INDEX["transient"]] = transient / n
    x[_INDEX["persistent"]] = persistent / n
    onset = obs.onset
    x[_INDEX["off_onset"]] = (
        min(1.0, abs(fp.t_fault - onset) / 1800.0) if math.isfinite(onset) else 0.0
    )
    announced = is_announced(h.fault, (items[i].role for i in fp.explained))
    x[_INDEX["log_prior"]] = log_prior(h, obs.topology, announced=announced)
    x[_INDEX["log_coverage"]] = math.log(max(symptom / total, _FLOOR))
    slots = fp.slots
    lost = _LOST if obs.has_comm_lost else 0.0
    missing = (
        lost * (slots.lost_unseen + _DEAD_EXTRA * slots.dead_unseen) + _PORT * slots.ports_unseen
    )
    against = missing + _CONTRADICTED * x[_INDEX["contradicted"]] + _PSEUDO
    x[_INDEX["log_precision"]] = (
        math.log(symptom / (symptom + against)) if symptom > 0 else math.log(_FLOOR)
    )
    return x
