"""The one vocabulary of faults: what can fail, on which kind of entity, and how it reads.

Every part of the project names faults from this table: the rankers'
hypotheses, the network twin's fault injection, the failure GNN's labels,
the scoring of answers against ``truth.json``. A fault is declared once,
with the kind of entity it hits (``node``, ``link`` or ``site``), its
*family* (faults an engineer would act on the same way, and which leave the
same footprint: an element that died and one that rebooted both went down;
a fading radio hop and a flapping fibre are both a degraded link), and the
sentence that names it in reports.

Examples
--------
>>> FAULTS["site_power"].kind
'site'
>>> same_fault("node_reboot", "node_down"), same_fault("congestion", "node_down")
(True, False)
>>> describe("link_down", "R1--R2")
'link R1--R2 cut'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Fault", "FAULTS", "FAULT_NAMES", "kind_of", "family_of", "same_fault", "describe"]


@dataclass(frozen=True)
class Fault:
    """One kind of fault.

    Attributes
    ----------
    name : str
        The fault's id (``node_down``...), as written in ``truth.json`` and answers.
    kind : str
        The entity it hits: ``"node"``, ``"link"`` or ``"site"``.
    family : str
        Faults with the same footprint and the same action share a family.
    sentence : str
        How a report names it; ``{entity}`` is replaced by the entity id.
    """

    name: str
    kind: str
    family: str
    sentence: str


#: Every fault the project knows, by name.
FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("node_down", "node", "element_down", "{entity} down"),
        Fault("node_reboot", "node", "element_down", "{entity} rebooted"),
        Fault("card_failure", "node", "card_failure", "card failure on {entity}"),
        Fault("cpu_overload", "node", "cpu_overload", "{entity} CPU overloaded"),
        Fault("link_down", "link", "link_down", "link {entity} cut"),
        Fault("fiber_cut", "link", "link_down", "duct cut through {entity}"),
        Fault("link_degraded", "link", "link_degraded", "link {entity} degraded"),
        Fault("microwave_fading", "link", "link_degraded", "radio hop {entity} fading"),
        Fault("congestion", "link", "congestion", "link {entity} congested"),
        Fault("site_power", "site", "site_power", "site {entity} lost power"),
    )
}

#: The fault names, in declaration order.
FAULT_NAMES: tuple[str, ...] = tuple(FAULTS)


def _get(name: str) -> Fault:
    try:
        return FAULTS[name]
    except KeyError:
        raise ValueError(
            f"unknown fault {name!r}; expected one of {', '.join(FAULT_NAMES)}"
        ) from None


def kind_of(fault: str) -> str:
    """The kind of entity ``fault`` hits (``node``, ``link`` or ``site``)."""
    return _get(fault).kind


def family_of(fault: str) -> str:
    """The family of ``fault``; an unknown name is its own family."""
    return FAULTS[fault].family if fault in FAULTS else fault


def same_fault(predicted: str | None, true: str | None) -> bool:
    """Whether a predicted fault names the true one (the same family).

    Examples
    --------
    >>> same_fault("link_down", "fiber_cut"), same_fault("link_degraded", "microwave_fading")
    (True, True)
    >>> same_fault("card_failure", "node_down"), same_fault(None, "node_down")
    (False, False)
    """
    if not predicted or not true:
        return False
    return family_of(predicted) == family_of(true)


def describe(fault: str, entity: str) -> str:
    """The sentence that names ``fault`` at ``entity``."""
    return _get(fault).sentence.format(entity=entity)
