"""What an alarm type means for root-cause analysis, whatever the vendor calls it.

Operators' alarm names differ by vendor and NMS (``NE_COMMU_BREAK``,
``NodeUnreachable``, ``ETH_LOS``...). The ranker needs only a few roles,
found from keywords in the alarm type (and, failing that, the message).
Unknown types get the role ``"other"``: they still count as symptoms of the
element that raised them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "ROLES",
    "CLEARED",
    "alarm_role",
    "clear_rows",
    "cleared_type",
    "is_clear",
    "metric_role",
]

#: Severities (lower case, as :class:`rca.AlarmLog` keeps them) that end a
#: condition rather than raise one.
CLEARED = frozenset({"cleared", "clear", "normal", "resolved", "ok", "cease", "ceased"})

#: The roles, in the order they are tried.
ROLES = (
    "comm_lost",
    "dying_gasp",
    "restart",
    "power",
    "link",
    "protocol",
    "cpu",
    "hardware",
    "sla",
    "service",
    "other",
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(rx))
    for role, rx in (
        (
            "comm_lost",
            r"comm(u|unication)?[ _-]*(lost|loss|fail|break|down|interrupt)|unreachab|not[ _-]*reachab|"
            r"(^|[_\W])ne[ _-]*(down|lost|isolat|disconnect)|heartbeat|ping[ _-]*fail|poll(ing)?[ _-]*fail|"
            r"mgmt[ _-]*(lost|down)|management[ _-]*(lost|down)|lost[ _-]*contact|node[ _-]*isolat|"
            r"connection[ _-]*lost|(device|node|host|element)[ _-]*(unreachab|lost|not[ _-]*respond)|"
            r"snmp[ _-]*(timeout|fail)|no[ _-]*response|"
            r"(^|[_\W])(device|node|host|element|system)[ _-]*(down|dead|offline)",
        ),
        ("dying_gasp", r"dying[ _-]*gasp|last[ _-]*gasp"),
        (
            "restart",
            r"cold[ _-]*start|warm[ _-]*start|re[ _-]*boot|restart|reload|boot[ _-]*up|(^|_)boot(_|$)|"
            r"system[ _-]*start|power[ _-]*on[ _-]*reset",
        ),
        # a utilisation threshold on a link or port is load, not the port going down
        # (a CPU or memory utilisation is the cpu role, below)
        (
            "sla",
            r"^(?!.*(cpu|mem|processor)).*(utili[sz]|(^|[_\W])util([_\W]|$)|congest|"
            r"(^|[_\W])bw[ _-]*(usage|utili)|bandwidth[ _-]*(usage|utili|high|exceed))",
        ),
        # a radio's received level or bit errors crossing a threshold is a
        # degradation, not a loss of signal (a signal *fail* is the link's, below)
        (
            "sla",
            r"(^|[_\W])rsl([_\W]|$)|(^|[_\W])ber([ _-]*(high|sd|tca|exceed|threshold|degrad)|$)",
        ),
        # optical / radio signal power is the link's, not the mains'
        ("link", r"(optic\w*|rx|tx|laser|receiv\w*|transmit\w*|input|output|signal)[ _-]*power"),
        (
            "power",
            r"mains|power|battery|rectifier|\bac[ _-]*(fail|loss|off)|\bdc[ _-]*(fail|low)|ups[ _-]|generator|voltage",
        ),
        (
            "link",
            r"\blos\b|(^|[_\W])los([_\W]|$)|\blof\b|(^|[_\W])lof([_\W]|$)|loss[ _-]*of[ _-]*(signal|frame|light)|"
            r"link|port|interface|\bif[ _-]*down|eth|optic|fiber|fibre|laser|\brx[ _-]|\btx[ _-]|modem|"
            r"radio[ _-]*(link|down)|microwave|\bmw[ _-]|carrier|lan[ _-]*down|trunk|lag[ _-]|sfp[ _-]*(los|rx)|"
            r"(^|[_\W])(ais|rdi|lom|oof)([_\W]|$)|ber[ _-]*s[df]|signal[ _-]*(degrad|fail)|(^|[_\W])line[ _-]*(down|fail)",
        ),
        (
            "protocol",
            r"bgp|ospf|isis|is-is|ldp|bfd|rsvp|mpls|vrrp|stp|lacp|pim|neighbou?r|\bnbr\b|adjacen|peer|"
            r"session[ _-]*down|route|tunnel|pseudo|\bpw[ _-]|lsp",
        ),
        ("cpu", r"cpu|memory|\bmem[ _-]|overload|load[ _-]*high|process"),
        # a temperature threshold is a condition of the room or the chassis, not a
        # failure: it announces nothing (role "other")
        ("other", r"temperat|(^|[_\W])temp([_\W]|$)|humidit"),
        (
            "hardware",
            r"card|(^|[_\W])bd([_\W]|$)|board|module|fan|hardware|psu|\bhw[ _-]|chassis|slot|sfp|"
            r"transceiver|disk",
        ),
        # a cell or radio site degrading is the service it carries, not an SLA probe
        ("service", r"(^|[_\W])(cell|sector|e?nodeb|gnodeb|bts)"),
        (
            "sla",
            r"sla|latency|delay|jitter|packet[ _-]*loss|pkt[ _-]*loss|drop|congest|utili[sz]|throughput|"
            r"degrad|\bkpi|crc|error[ _-]*rate|queue|discard|loss[ _-]*(threshold|exceed|ratio|rate|high)",
        ),
        (
            "service",
            r"cell|service|outage|sector|subscriber|call|session|vpn|voice|bearer|enodeb|gnodeb|nodeb|bts",
        ),
    )
)


# Alarm types of administrative events (configuration, logins, security): their
# messages are read only for a failed module, power or a restart.
_ADMIN = re.compile(
    r"config|cfg|login|logon|logoff|logout|auth|security|password|commit|audit|(^|[_\W])user"
)
_ADMIN_MESSAGE_ROLES = frozenset({"hardware", "power", "dying_gasp", "restart"})


@lru_cache(maxsize=4096)
def alarm_role(alarm_type: str, message: str | None = None) -> str:
    """The role of an alarm type for root-cause analysis.

    Parameters
    ----------
    alarm_type : str
        The vendor or normalised alarm name.
    message : str, optional
        Free text, used only when the type alone gives no role.

    Returns
    -------
    str
        One of :data:`ROLES`.

    Examples
    --------
    >>> alarm_role("NE_COMM_LOST"), alarm_role("ETH_LOS"), alarm_role("MAINS_FAILURE")
    ('comm_lost', 'link', 'power')
    >>> alarm_role("BGP_PEER_DOWN"), alarm_role("SLA_LATENCY_HIGH"), alarm_role("XYZ_42")
    ('protocol', 'sla', 'other')
    >>> alarm_role("COLD_START"), alarm_role("NodeRebooted")
    ('restart', 'restart')
    >>> alarm_role("XYZ_42", "port 1/1 down"), alarm_role("CFG_CHANGED", "interface ge-0/1 description set")
    ('link', 'other')
    >>> alarm_role("entConfigChange", "entPhysicalIndex 2: module failed")
    'hardware'
    """
    for text in (alarm_type, message):
        if not text:
            continue
        norm = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(text)).lower()
        # an administrative event (a configuration change, a login) is no port or
        # protocol symptom, whatever interface its message names; an entity change
        # that reports a failed module is still hardware
        admin = text is message and bool(_ADMIN.search(str(alarm_type).lower()))
        for role, pattern in _PATTERNS:
            if (not admin or role in _ADMIN_MESSAGE_ROLES) and pattern.search(norm):
                return role
    return "other"


# CPU and memory first: "cpu_util" and "memory_usage" are not link load.
_METRIC_PATTERNS = (
    ("cpu", re.compile(r"cpu|memory|(^|[^a-z])mem([^a-z]|$)|processor")),
    ("load", re.compile(r"util|load|usage|occupan|bandwidth|bps|traffic|throughput")),
    ("sla", re.compile(r"latenc|delay|rtt|jitter|loss|drop|error|discard|crc")),
)


@lru_cache(maxsize=1024)
def metric_role(metric: str) -> str:
    """The role of a metric name: ``load``, ``cpu``, ``sla`` or ``other``.

    Examples
    --------
    >>> metric_role("utilization"), metric_role("cpu"), metric_role("latency_ms")
    ('load', 'cpu', 'sla')
    >>> metric_role("cpu_util"), metric_role("mem_usage"), metric_role("if_in_bps")
    ('cpu', 'cpu', 'load')
    """
    norm = str(metric).lower()
    for role, pattern in _METRIC_PATTERNS:
        if pattern.search(norm):
            return role
    return "other"


# The words that end a clear's name. Matched by hand, not by a regular
# expression: "^(.+?)[ _-]*(clear|...)$" backtracks over every run of
# separators, at a cost that grows with the square of the length (55 s of CPU
# for a 40,000-character type); this is linear.
_CLEAR_WORDS = ("clear", "cleared", "cease", "ceased", "restored", "recovered", "resolved")
_UP_SUFFIX = re.compile(r"^(.+?[ _-]?)(up)$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def cleared_type(alarm_type: str) -> str | None:
    """The alarm type that an alarm type clears, for logs that name their clears.

    Some exports have no ``cleared`` severity and name the clear instead:
    ``LINK_DOWN_CLEARED``, ``NE_COMM_LOST_RESTORED``, or a port coming back
    (``LINK_UP``, ``IF_UP``, ``linkUp``) for its down alarm.

    Returns
    -------
    str or None
        The cleared type (``LINK_DOWN`` for ``LINK_UP``), None for a raise.

    Examples
    --------
    >>> cleared_type("LINK_DOWN_CLEARED"), cleared_type("linkUp"), cleared_type("LINK_DOWN")
    ('LINK_DOWN', 'linkDown', None)
    """
    text = str(alarm_type)
    cleared = _strip_clear_word(text)
    if cleared is not None:
        return cleared
    match = _UP_SUFFIX.match(text)
    if match and alarm_role(match.group(1) + "down") in ("link", "protocol", "comm_lost"):
        down = "DOWN" if match.group(2).isupper() else "Down"
        return match.group(1) + down
    return None


def _strip_clear_word(text: str) -> str | None:
    """What a name ending in a clear word clears: ``LINK_DOWN`` for ``LINK_DOWN_CLEARED``.

    The shortest non-empty prefix followed only by separators (`` _-``) and
    one of :data:`_CLEAR_WORDS` (any case), or None; a prefix spanning a
    line break is none. Work is linear in the length of ``text``.

    Examples
    --------
    >>> _strip_clear_word("LINK_DOWN_CLEARED"), _strip_clear_word("los - cease"), _strip_clear_word("CLEARED")
    ('LINK_DOWN', 'los', None)
    """
    if text.endswith("\n"):  # as "$" would, allow one final line break
        text = text[:-1]
    for word in _CLEAR_WORDS:
        if len(text) > len(word) and text[-len(word) :].lower() == word:
            head = text[: -len(word)]
            prefix = head.rstrip(" _-") or head[:1]
            return None if "\n" in prefix else prefix
    return None


def is_clear(severity: pd.Series) -> np.ndarray:
    """Which rows of a severity column (a pandas Series) are clears, as a bool array.

    Examples
    --------
    >>> import pandas as pd
    >>> is_clear(pd.Series(["major", "cleared", None, "normal"])).tolist()
    [False, True, False, True]
    """
    return severity.isin(CLEARED).to_numpy(dtype=bool)


def clear_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which rows of an alarm frame are clears, as a bool array.

    A row is a clear when its ``severity`` says so (:data:`CLEARED`) or when
    its type names a clear (:func:`cleared_type`: ``LINK_UP``, ``..._CLEARED``).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"alarm_type": ["LINK_DOWN", "LINK_DOWN", "LINK_UP"],
    ...                       "severity": ["major", "cleared", None]})
    >>> clear_rows(frame).tolist()
    [False, True, True]
    """
    types = frame["alarm_type"].astype(str)
    named = {t for t in types.unique() if cleared_type(t) is not None}
    rows = types.isin(named).to_numpy(dtype=bool, copy=True)
    if "severity" in frame.columns:
        rows |= is_clear(frame["severity"])
    return rows
