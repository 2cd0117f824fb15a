"""Prior odds of each kind of fault, before any alarm is read.

They break ties: they matter only where the observations cannot tell two
hypotheses apart (a dead leaf element and its only link leave the same
alarms) or nearly so, and they are kept close to one another so that they
never overrule evidence. Their order follows relative failure frequencies
of the kinds of equipment:

- an element failing (hardware, software, its power supply) and a fibre
  span being cut are about as frequent; a patch cord inside one building
  fails less often than the element at its end;
- a whole site losing mains beyond its battery autonomy, a line card, a
  duct carrying several fibres, a CPU or a link running out of capacity
  are each a little rarer;
- a radio hop that flaps and degrades is more often fading (rain,
  multipath) than failing, so its degradation is likelier than a fibre's;
- several links of a live element failing together without a card alarm:
  elements usually report their failed cards, so that card is less likely;
- likewise a site going dark without a power alarm (mains, battery,
  rectifier, a dying gasp): sites report losing mains before their
  batteries run out, so an unannounced site power failure is less likely
  than its element failing, by the same factor as the unannounced card.

The values are the ones the earlier hand-weighted ranker used (chosen on
the development families' dev seeds, never on a test family).
"""

from __future__ import annotations

import math

from ..topology import Topology
from ._hypotheses import Hypothesis

__all__ = ["log_prior", "is_announced"]

_PRIOR = {
    "node_down": 0.985,
    "link_down": 1.0,
    "site_power": 0.97,
    "card_failure": 0.95,
    "fiber_cut": 0.9,
    "congestion": 0.9,
    "link_degraded": 0.9,
    "cpu_overload": 0.9,
}
_INSIDE_SITE = 0.96
_RADIO_FADING = 1.3
_UNANNOUNCED = 0.8
#: The alarm roles by which equipment announces a fault of each kind.
ANNOUNCING_ROLES = {
    "card_failure": frozenset({"hardware"}),
    "site_power": frozenset({"power", "dying_gasp"}),
}


def is_announced(fault: str, roles) -> bool:
    """Whether alarms of ``roles`` (those a hypothesis explains) include its fault's announcement.

    True for faults that announce nothing of their own.

    Examples
    --------
    >>> is_announced("site_power", ["link", "dying_gasp"]), is_announced("site_power", ["link"])
    (True, False)
    >>> is_announced("node_down", [])
    True
    """
    wanted = ANNOUNCING_ROLES.get(fault)
    return wanted is None or any(r in wanted for r in roles)


def log_prior(h: Hypothesis, topo: Topology, *, announced: bool = True) -> float:
    """Log prior weight of hypothesis ``h`` (see the module docstring).

    ``announced`` says whether the fault was announced (:func:`is_announced`):
    a card failure's element raised a hardware alarm, a dark site a power alarm.
    """
    prior = _PRIOR[h.fault]
    if h.fault == "link_down" and topo.inside_site(h.entity):
        prior *= _INSIDE_SITE
    elif h.fault == "link_degraded" and h.entity in topo.radio_links:
        prior *= _RADIO_FADING
    elif h.fault in ANNOUNCING_ROLES and not announced:
        prior *= _UNANNOUNCED
    return math.log(prior)
