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
  elements usually report their failed cards, so that card is less likely.

The values are the ones the earlier hand-weighted ranker used (chosen on
the development families' dev seeds, never on a test family).
"""

from __future__ import annotations

import math

from ..topology import Topology
from ._hypotheses import Hypothesis

__all__ = ["log_prior"]

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
_UNANNOUNCED_CARD = 0.8


def log_prior(h: Hypothesis, topo: Topology, *, announced: bool = True) -> float:
    """Log prior weight of hypothesis ``h`` (see the module docstring).

    ``announced`` says whether a card failure's element raised a hardware alarm.
    """
    prior = _PRIOR[h.fault]
    if h.fault == "link_down" and topo.inside_site(h.entity):
        prior *= _INSIDE_SITE
    elif h.fault == "link_degraded" and h.entity in topo.radio_links:
        prior *= _RADIO_FADING
    elif h.fault == "card_failure" and not announced:
        prior *= _UNANNOUNCED_CARD
    return math.log(prior)
