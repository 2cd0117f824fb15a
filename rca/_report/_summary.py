"""What the incident page says first: the answer in one sentence, what to check, the alternatives.

Everything here returns plain text; the templates escape it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._time import to_iso
from ..incident import Incident
from ..result import Candidate, RCAResult
from ..topology import Topology

__all__ = ["FAULT_LABEL", "Group", "answer_sentence", "fault_time", "group_candidates", "what_to_check"]

#: How each fault reads in a sentence.
FAULT_LABEL: dict[str, str] = {
    "node_down": "element down", "node_reboot": "element rebooted", "link_down": "link down",
    "fiber_cut": "fibre cut", "site_power": "site power loss", "card_failure": "card or port failure",
    "congestion": "congestion", "cpu_overload": "CPU overload", "link_degraded": "link degraded",
    "microwave_fading": "microwave fading",
}

_TIME = re.compile(r" at ~(\d{4}-\d\d-\d\dT[0-9:.]+Z)")


def fault_time(candidate: Candidate) -> float | None:
    """When the candidate's fault began: the time its reason states, else its earliest cited alarm.

    Examples
    --------
    >>> from rca.result import Candidate, Evidence
    >>> c = Candidate(1, "R7", "node", 0.9, "node_down", "R7 down at ~2026-03-01T10:00:00Z: explains ...",
    ...               (Evidence(("R7",), "w"),))
    >>> fault_time(c)
    1772359200.0
    """
    import pandas as pd

    match = _TIME.search(candidate.reason or "")
    if match:
        try:
            return float(pd.Timestamp(match.group(1)).timestamp())
        except ValueError:
            pass
    times = [a.time for e in candidate.evidence for a in e.alarms]
    return min(times) if times else None


def answer_sentence(result: RCAResult, names: list[str]) -> str:
    """One sentence: what failed, where, how likely.

    Examples
    --------
    >>> from rca.result import Candidate, Evidence
    >>> c = Candidate(1, "R7", "node", 0.91, "node_down", "R7 down", (Evidence(("R7",), "w"),), explained=12)
    >>> answer_sentence(RCAResult("x", (c,), 0.1, n_alarms=30), ["R7"])
    'R7 (node): element down, probability 91 %; it explains 12 of the 30 alarms.'
    """
    if not result.candidates:
        return "No root cause could be proposed for these alarms."
    top = result.candidates[0]
    label = FAULT_LABEL.get(top.fault, top.fault.replace("_", " "))
    who = names[0] if len(names) == 1 else f"{names[0]} (or, equally, {', '.join(names[1:4])}{'...' if len(names) > 4 else ''})"
    text = (f"{who} ({top.kind}): {label}, probability {round(100 * top.score)} %; "
            f"it explains {top.explained} of the {result.n_alarms} alarms.")
    if not result.confident:
        text = "Not confident: no candidate is probable enough to act on. Best guess: " + text
    return text


def what_to_check(candidate: Candidate, topology: Topology) -> list[str]:
    """The first checks an engineer would make for this fault, naming the elements."""
    e = candidate.entity
    ends = ""
    if candidate.kind == "link" and topology.has_link(e):
        a, b = topology.link_endpoints(e)
        ends = f" ({a} and {b})"
    members = topology.sites.get(e, []) if candidate.kind == "site" else []
    checks = {
        "node_down": [f"Is {e} powered and answering on its console or out-of-band port?",
                      f"Check the power and the alarms of the site of {e}; dispatch if it stays unreachable."],
        "node_reboot": [f"Read the uptime and the reload reason of {e} (crash log, software exception).",
                        "Check whether it reboots again (a loop points to software or power)."],
        "link_down": [f"Check the port status and optical levels at both ends of {e}{ends}.",
                      "Run an OTDR test from the nearer end if the light is gone."],
        "fiber_cut": [f"Links {e} leave one site along one route: check the shared duct or cable route "
                      "(civil works) and run an OTDR test.",
                      "Reroute the traffic of the links that have no diverse path."],
        "site_power": [f"Check the mains, rectifiers and batteries at site {e}"
                       + (f" ({len(members)} elements)." if members else "."),
                       "Send a generator if the outage outlasts the batteries."],
        "card_failure": [f"Check the card and slot status of {e} (hardware log); reseat or replace the card.",
                         "Move the affected ports to a spare card if one is free."],
        "congestion": [f"Check the traffic on {e}{ends}: top talkers, a reroute after another failure, capacity.",
                       "Look for a failure elsewhere that moved traffic onto it."],
        "cpu_overload": [f"Check the processes on {e} (a routing storm, a stuck process, a scan).",
                         "Check its protocol sessions: flapping adjacencies point to the same cause."],
        "link_degraded": [f"Check the error counters and, for radio, the received level and modulation on {e}{ends}.",
                          "Check the weather along a microwave hop; clean or replace a dirty connector."],
        "microwave_fading": [f"Check the received level and modulation history of the hop {e}{ends}.",
                             "Check the weather along the path (rain fade) before dispatching."],
    }
    return checks.get(candidate.fault, [f"Check {e} and the alarms cited below."])


@dataclass
class Group:
    """Candidates that are one answer: a tie, or the same fault explaining the same alarms."""

    members: list[Candidate]
    tie: bool

    @property
    def first(self) -> Candidate:
        return self.members[0]


def _signature(c: Candidate) -> tuple:
    alarms = frozenset((a.device, a.alarm_type, round(a.time, 3)) for e in c.evidence for a in e.alarms)
    return (c.fault, alarms) if alarms else (c.fault, c.entity)


def group_candidates(result: RCAResult) -> list[Group]:
    """The ranked candidates as groups: a tie group of the result, or the same fault citing the same alarms.

    Groups keep the rank order of their first member.
    """
    by_rank = {c.rank: c for c in result.candidates}
    owner: dict[int, int] = {}
    groups: list[Group] = []
    for ranks in result.ties:
        members = [by_rank[r] for r in ranks if r in by_rank and r not in owner]
        if len(members) > 1:
            for m in members:
                owner[m.rank] = len(groups)
            groups.append(Group(members, tie=True))
    seen: dict[tuple, int] = {}
    for c in result.candidates:
        if c.rank in owner:
            seen.setdefault(_signature(c), owner[c.rank])
            continue
        sig = _signature(c)
        if sig in seen:
            owner[c.rank] = seen[sig]
            groups[seen[sig]].members.append(c)
        else:
            owner[c.rank] = seen[sig] = len(groups)
            groups.append(Group([c], tie=False))
    for g in groups:
        g.members.sort(key=lambda c: c.rank)
    groups.sort(key=lambda g: g.first.rank)
    return groups


def why_lower(group: Group, top: Candidate) -> str:
    """Why a group ranks below the first one, in a few words."""
    c = group.first
    parts = [f"probability {c.score:.3f} against {top.score:.3f}"]
    if c.explained != top.explained:
        parts.append(f"explains {c.explained} symptom{'s' if c.explained != 1 else ''} against {top.explained}")
    if c.contradicted:
        parts.append(f"{c.contradicted} observation{'s speak' if c.contradicted != 1 else ' speaks'} against it")
    if c.fault != top.fault:
        parts.append(f"{_a(FAULT_LABEL.get(c.fault, c.fault))} rather than {_a(FAULT_LABEL.get(top.fault, top.fault))}")
    return "; ".join(parts)


def _a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def when(t: float | None) -> str:
    """ISO 8601, or an empty string."""
    return "" if t is None else to_iso(t)


def incident_window(incident: Incident) -> tuple[float, float] | None:
    """First and last alarm time, or None for an empty log."""
    if not len(incident.alarms):
        return None
    return incident.alarms.start, incident.alarms.end
