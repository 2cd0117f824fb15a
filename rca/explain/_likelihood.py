"""The likelihood of the observations under a hypothesis, against the background alone.

Every hypothesis is compared with the same alternative: *nothing failed*,
every observation is background. Its log-likelihood ratio adds up

- for each observation it explains with chance ``f``:
  ``log(1 + f (1 - b) / b)``, where ``b`` is the chance that the
  background alone shows this symptom on this element within the fault's
  window. It is estimated per alarm type: the share of elements that raise
  that type elsewhere in the log (shrunk toward the rate of its role on
  elements of its class), times the share of the log the fault's window
  covers. A symptom that is common in this incident's background (a
  threshold alarm that busy routers raise all day) or that the window would
  catch by chance is weak evidence; a rare alarm type seconds after the
  fault is strong evidence;
- for each predicted symptom that never arrived, ``log(1 - d)``, where
  ``d`` is the chance such a symptom is reported at all (an NMS that never
  raises comm-lost makes missing ones no evidence against anything);
- for each element that kept alarming after the fault should have silenced
  it, ``log(0.05)`` (half of that for an element only cut off: its alarms
  may have been buffered);
- for a load fault, the log of how likely its own metric's peak is under
  the fault (:func:`~._load.level_factor`: a CPU that never passed 40 %
  was not overloaded, whatever its threshold alarm says).

Observations that no hypothesis explains have the same likelihood under
both and cancel. The parameters are estimated from the incident itself
(:meth:`EvidenceModel.refit`): the background rate of each symptom role per
class of element from the observations that the chosen roots do not
explain, and the reporting rates from what the chosen roots predict. The
remaining constants are properties of alarms in general, not of one
network: they are listed with their reasons below.
"""

from __future__ import annotations

import math

import numpy as np

from .._observe import ROLE_WEIGHT, Observations
from ._footprint import Footprint
from ._load import level_factor
from ._timing import window_length

__all__ = ["EvidenceModel"]

# Prior reporting rate of a predicted symptom (an element lost to the NMS
# reported lost, a live end of a failed link reporting it), as a Beta prior
# of this mean and strength: alarms do get lost, filtered or suppressed, and
# the incident's own data moves it (four observed slots weigh as the prior).
_REPORT_MEAN = 0.7
_REPORT_STRENGTH = 4.0
# Chance that an element the fault kills still sends an alarm soon after it
# (clock skew, a misattributed row): evidence against the fault.
_ALIVE_WHEN_DEAD = 0.05
# Background rates are shrunk toward the role's rate over all elements with
# this many pseudo-elements, an alarm type's toward its role's and class's
# with this many, and the role's rate toward half an element.
_CLASS_SHRINK = 10.0
_TYPE_SHRINK = 5.0
_ROLE_PSEUDO = 0.5
# The background never makes a symptom certain, nor impossible.
_B_MIN, _B_MAX = 1e-4, 0.5


class EvidenceModel:
    """Background and reporting rates of one incident, and the log-likelihood ratio of a footprint.

    Parameters
    ----------
    obs : Observations
        The incident's observations.
    """

    def __init__(self, obs: Observations) -> None:
        self.obs = obs
        topo = obs.topology
        items = obs.items
        nodes = topo.nodes
        # the element's type, else its layer (a topology always has both columns, empty when not given)
        cls_col = next(
            (c for c in ("node_type", "layer") if c in nodes.columns and nodes[c].notna().any()),
            None,
        )
        self._class_of: dict[str, str] = {}
        if cls_col is not None:
            self._class_of = {
                str(k): ("" if v is None or v != v else str(v)) for k, v in nodes[cls_col].items()
            }
        self._n_class: dict[str, int] = {}
        for v in self._class_of.values():
            self._n_class[v] = self._n_class.get(v, 0) + 1
        self._n_nodes = max(1, topo.n_nodes)
        times = [o.time for o in items]
        self.span = max(600.0, (max(times) - min(times)) if times else 0.0)
        self._class = [self._class_key(o.entity, o.role) for o in items]
        self._reliability = [min(1.0, o.weight / ROLE_WEIGHT[o.role]) for o in items]
        #: the incident's total symptom weight
        self.total_weight = float(sum(o.weight for o in items))
        self.report_lost = (
            0.0 if not any(o.role in ("comm_lost", "silent") for o in items) else _REPORT_MEAN
        )
        self.report_port = _REPORT_MEAN
        self.refit(frozenset(), [])

    # --------------------------------------------------------------- estimates
    def _class_key(self, entity: str, role: str) -> str:
        if role.startswith("metric_"):
            return "metric"
        return self._class_of.get(entity, "")

    def _opportunities(self, role: str, cls: str) -> int:
        if role.startswith("metric_"):
            return max(1, self.obs.metric_entities.get(role, 1))
        return max(1, self._n_class.get(cls, self._n_nodes) if self._class_of else self._n_nodes)

    def refit(self, explained: frozenset, roots: list[Footprint]) -> None:
        """Re-estimate the rates: background from what ``explained`` leaves, reporting from ``roots``.

        Parameters
        ----------
        explained : frozenset of int
            Observations the chosen roots explain (not background).
        roots : list of Footprint
            The chosen roots, whose predicted symptoms tell how many get reported.
        """
        items = self.obs.items
        by_role: dict[str, set[str]] = {}
        by_class: dict[tuple[str, str], set[str]] = {}
        by_type: dict[str, set[str]] = {}
        for i, o in enumerate(items):
            if i in explained:
                continue
            by_role.setdefault(o.role, set()).add(o.entity)
            by_class.setdefault((o.role, self._class[i]), set()).add(o.entity)
            for t in o.types:
                by_type.setdefault(t, set()).add(o.entity)
        rate: dict[tuple[str, str], float] = {}
        role_rate: dict[str, float] = {}
        for i, o in enumerate(items):
            key = (o.role, self._class[i])
            if key in rate:
                continue
            if o.role not in role_rate:
                n = (
                    self._n_nodes
                    if not o.role.startswith("metric_")
                    else self._opportunities(o.role, "metric")
                )
                role_rate[o.role] = (len(by_role.get(o.role, ())) + _ROLE_PSEUDO) / (
                    n + 2 * _ROLE_PSEUDO
                )
            n_c = self._opportunities(o.role, key[1])
            k_c = len(by_class.get(key, ()))
            rate[key] = (k_c + _CLASS_SHRINK * role_rate[o.role]) / (n_c + _CLASS_SHRINK)
        self._rate = rate
        self._type_count = {t: len(v) for t, v in by_type.items()}
        self._bg = np.asarray([self._background(i) for i in range(len(items))], dtype=np.float64)
        self._gain_cache: dict[tuple[int, float], float] = {}
        if roots:
            lost_seen = sum(r.slots.lost_seen for r in roots)
            lost_all = lost_seen + sum(r.slots.lost_unseen for r in roots)
            if self.report_lost > 0:
                self.report_lost = _beta_mean(lost_seen, lost_all)
            ports_seen = sum(r.slots.ports_seen for r in roots)
            self.report_port = _beta_mean(
                ports_seen, ports_seen + sum(r.slots.ports_unseen for r in roots)
            )

    def _background(self, i: int) -> float:
        """Chance that the background alone shows observation ``i`` within its role's window."""
        o = self.obs.items[i]
        rate = self._rate[(o.role, self._class[i])]
        if o.types and not o.role.startswith("metric_"):
            # the most specific of its alarm types: the one the background raises least
            n = self._n_nodes
            rate = min(
                (self._type_count.get(t, 0) + _TYPE_SHRINK * rate) / (n + _TYPE_SHRINK)
                for t in o.types
            )
        in_window = min(1.0, window_length(o.role) / self.span)
        return min(_B_MAX, max(_B_MIN, rate * in_window))

    def background(self, i: int) -> float:
        """The background chance of observation ``i`` (see the module docstring)."""
        return float(self._bg[i])

    # --------------------------------------------------------------- evidence
    def gain(self, i: int, factor: float) -> float:
        """Log-likelihood ratio of observation ``i`` explained with chance ``factor``."""
        key = (i, factor)
        g = self._gain_cache.get(key)
        if g is None:
            b = self._bg[i]
            f = factor * self._reliability[i]
            g = math.log1p(f * (1.0 - b) / b)
            self._gain_cache[key] = g
        return g

    def weight(self, i: int, factor: float) -> float:
        """The symptom weight observation ``i`` adds when explained with chance ``factor``.

        It chooses a hypothesis's fault time: the time that explains the most
        symptom weight (the bulk of the evidence, not its rarest part).
        """
        return factor * self.obs.items[i].weight

    def reliability(self, i: int) -> float:
        """How much of a full symptom observation ``i`` is: less when it flapped or cleared by itself."""
        return self._reliability[i]

    def missing(self, fp: Footprint) -> tuple[float, float]:
        """Evidence against ``fp`` (positive nats) from lost elements and link ends that reported nothing."""
        s = fp.slots
        lost = (
            -s.lost_unseen * math.log1p(-self.report_lost)
            if s.lost_unseen and self.report_lost > 0
            else 0.0
        )
        ports = -s.ports_unseen * math.log1p(-self.report_port) if s.ports_unseen else 0.0
        return lost, ports

    def llr(self, fp: Footprint) -> float:
        """Log-likelihood ratio of ``fp``'s hypothesis against the background alone."""
        total = sum(self.gain(i, f) for i, f in fp.explained.items())
        total -= sum(self.missing(fp))
        total += sum(w for _, w in fp.contradictions) * math.log(_ALIVE_WHEN_DEAD)
        if fp.hyp.fault in ("congestion", "cpu_overload"):
            total += math.log(level_factor(fp.level))
        return total


def _beta_mean(seen: int, total: int) -> float:
    """Posterior mean reporting rate after ``seen`` of ``total`` predicted symptoms arrived."""
    return (seen + _REPORT_MEAN * _REPORT_STRENGTH) / (total + _REPORT_STRENGTH)
