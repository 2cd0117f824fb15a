"""When a symptom can follow a fault, and the fault time that fits the symptoms best.

Each symptom role has a window around the fault time, in seconds (before,
after). The *before* side is clock skew between devices (a minute), except
for mains alarms, which warn for up to an hour before a site's batteries run
out; the *after* side is how long the symptom takes to appear: ports see a
cut within seconds, routing protocols within their hold timers, the NMS
within a few polling cycles, SLA probes and cells within tens of minutes.
These are properties of the equipment and of management systems (hold
timers, polling intervals, battery autonomy), not of one data set.
"""

from __future__ import annotations

from .._observe import Observation

__all__ = ["WINDOW", "RECOVERY_S", "SKEW_S", "explained_at", "best_fault_time", "window_length"]

#: Seconds (before, after) the fault time within which each role can be caused by it.
WINDOW: dict[str, tuple[float, float]] = {
    "link": (60.0, 90.0),
    "dying_gasp": (60.0, 60.0),
    "hardware": (120.0, 90.0),
    "cpu": (300.0, 600.0),
    "protocol": (60.0, 300.0),
    "restart": (60.0, 1800.0),
    "comm_lost": (60.0, 1200.0),
    "silent": (60.0, 1200.0),
    "power": (3600.0, 120.0),
    "sla": (120.0, 1800.0),
    "service": (60.0, 1800.0),
    "other": (60.0, 900.0),
    "metric_load": (600.0, 1800.0),
    "metric_cpu": (600.0, 1800.0),
    "metric_sla": (600.0, 1800.0),
}
#: After this long an element that went down may be back (a reboot, a fading hop).
RECOVERY_S = 300.0
#: Clock skew between devices: a symptom that cleared more than this before a
#: fault was over before it.
SKEW_S = 60.0

# Roles that pin a fault time: they follow the fault within seconds.
_ANCHORS = (
    "link",
    "dying_gasp",
    "hardware",
    "metric_load",
    "metric_cpu",
    "cpu",
    "protocol",
    "power",
)


def window_length(role: str) -> float:
    """Seconds spanned by ``role``'s window."""
    before, after = WINDOW[role]
    return before + after


def explained_at(
    t_fault: float, direct: dict[int, float], items: list[Observation]
) -> dict[int, float]:
    """The part of ``direct`` (observation -> factor) that falls in its window for a fault at ``t_fault``.

    A series saturated from its first sample (the overload began before the
    metrics do) fits any fault time from then on. A symptom raised and cleared
    before the fault (beyond clock skew) is not explained by it: a mains alarm that cleared before the site went dark
    means the power came back. A clear whose raise never arrived may follow
    an earlier fault, up to :data:`RECOVERY_S` further back.
    """
    out = {}
    for i, factor in direct.items():
        o = items[i]
        before, after = WINDOW[o.role]
        if o.clear_only:
            after += RECOVERY_S
        over_before = o.cleared is not None and o.cleared < t_fault - SKEW_S
        ongoing = o.saturated and o.time - before <= t_fault  # high from its first sample on
        if (ongoing or t_fault - before <= o.time <= t_fault + after) and not over_before:
            out[i] = factor
    return out


def best_fault_time(
    direct: dict[int, float], items: list[Observation], onset: float, value: dict[int, float]
) -> tuple[float, dict[int, float]]:
    """The fault time at which the hypothesis explains the most, and what it explains then.

    Candidate times sit just before each direct symptom that pins a fault
    time (a port alarm, a dying gasp...); without any, before the earliest
    symptom. ``value`` says what each explained symptom is worth; background
    noise on the same elements at other times cannot pull the fault time
    away from the bulk of the evidence.
    """
    anchors = sorted({items[i].time for i in direct if items[i].role in _ANCHORS})
    if anchors:
        candidates = [t - 5.0 for t in anchors]
    else:
        first = sorted({items[i].time for i in direct})[:1]
        if not first:
            return onset, {}
        candidates = [first[0] - 30.0]
    best_t, best, best_v = candidates[0], {}, float("-inf")
    for t in candidates:
        explained = explained_at(t, direct, items)
        v = sum(value[i] for i in explained)
        if v > best_v + 1e-9:
            best_t, best, best_v = t, explained, v
    return best_t, best
