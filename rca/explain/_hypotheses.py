"""Root-cause hypotheses and what each predicts the network would show."""

from __future__ import annotations

from dataclasses import dataclass

from .._observe import Observations
from ..faults import FAULTS as FAULTS_ALL

__all__ = ["Hypothesis", "generate_hypotheses", "FAULTS"]

#: The faults the explain ranker forms hypotheses of -> the kind of entity each hits
#: (a reboot reads as ``node_down``, a fading hop as ``link_degraded``: the same footprints).
FAULTS = {
    name: FAULTS_ALL[name].kind
    for name in (
        "node_down",
        "card_failure",
        "cpu_overload",
        "link_down",
        "fiber_cut",
        "congestion",
        "link_degraded",
        "site_power",
    )
}

# Links leaving one element within this angle of one another run along one
# route out of its site, where one duct can carry them all (a shared-risk link
# group): a cut there takes them down together, as a card would.
_SHARED_ROUTE_DEG = 30.0


@dataclass
class Hypothesis:
    """A fault at one entity, with its predicted footprint.

    Attributes
    ----------
    entity, kind, fault : str
        What failed and how.
    dead : frozenset of str
        Elements that stop working (raise nothing more).
    failed_links : frozenset of str
        Physical links that go down.
    lost : frozenset of str
        Elements the NMS can no longer reach (``dead`` included).
    affected : frozenset of str
        Elements whose traffic crosses the fault (for congestion, overload).
    given : tuple of str
        Earlier roots this footprint assumes failed too (empty: on its own).
    jointly_lost : frozenset of str
        The part of ``lost`` cut off only together with ``given``.
    intermittent : frozenset of str
        Elements cut off only while a flapping link is down (reachable again
        between its down spells, so their later alarms contradict nothing).
    """

    entity: str
    kind: str
    fault: str
    dead: frozenset = frozenset()
    failed_links: frozenset = frozenset()
    lost: frozenset = frozenset()
    affected: frozenset = frozenset()
    members: tuple = ()
    given: tuple = ()
    jointly_lost: frozenset = frozenset()
    intermittent: frozenset = frozenset()


def generate_hypotheses(obs: Observations, *, hops: int = 1) -> list[Hypothesis]:
    """Hypotheses near the symptoms: elements, their links and sites, within ``hops``."""
    topo = obs.topology
    symptomatic = {o.entity for o in obs.items if o.entity in topo}
    near = set(symptomatic)
    frontier = set(symptomatic)
    for _ in range(hops):
        frontier = {w for v in frontier for w in topo.neighbors(v)} - near
        near |= frontier
    out: list[Hypothesis] = []
    for v in near:
        lost = frozenset(topo.lost_if_fails(v, "node"))
        out.append(
            Hypothesis(
                v,
                "node",
                "node_down",
                dead=frozenset([v]),
                failed_links=frozenset(topo.incident_links(v)),
                lost=lost,
            )
        )
    links = {l for v in symptomatic for l in topo.incident_links(v)} | {
        l for l in obs.by_link if topo.has_link(l)
    }
    for l in links:
        out.append(
            Hypothesis(
                l,
                "link",
                "link_down",
                failed_links=frozenset([l]),
                lost=frozenset(topo.lost_if_fails(l, "link")),
            )
        )
    node_lost = {h.entity: h.lost for h in out}
    down_roles = {"comm_lost", "silent", "dying_gasp", "power", "restart"}
    sites = {s for s in (topo.site_of(v) for v in near) if s is not None}
    for s in sites:
        members = tuple(topo.sites[s])
        if len(members) == 1:
            lost = node_lost.get(members[0]) or frozenset(topo.lost_if_fails(members[0], "node"))
        elif any(
            obs.items[i].role in down_roles for m in members for i in obs.by_entity.get(m, ())
        ):
            lost = frozenset(topo.lost_if_fails(s, "site"))
        else:
            continue  # no member shows any sign of going down
        failed = frozenset(l for m in members for l in topo.incident_links(m))
        out.append(
            Hypothesis(
                s,
                "site",
                "site_power",
                dead=frozenset(members),
                failed_links=failed,
                lost=lost,
                members=members,
            )
        )
    out.extend(_card_hypotheses(obs, symptomatic))
    out.extend(_load_hypotheses(obs))
    return out


def _card_hypotheses(obs: Observations, symptomatic: set[str]) -> list[Hypothesis]:
    """A card or port failure: links of one element go down while it stays up.

    One link down is enough: a failed port or optic at either end looks
    exactly like a cut of the link, and the scoring keeps the cut ahead
    unless the element reports a hardware fault. Several links that leave
    the element's site along one route are also a duct cut, the same
    footprint, named by each of its links.
    """
    topo = obs.topology
    out = []
    for v in symptomatic:
        if v not in obs.alive_after:
            continue
        first = {}
        for l in topo.incident_links(v):
            times = [
                obs.items[i].time for i in obs.by_link.get(l, ()) if obs.items[i].role == "link"
            ]
            if times:
                first[l] = min(times)
        down = _simultaneous(first, within=30.0)
        hardware = any(obs.items[i].role == "hardware" for i in obs.by_entity.get(v, ()))
        if down:
            if len(down) == len(topo.incident_links(v)) and not hardware:
                continue  # every link down: that is the element, not a card
            # one port: what its link cuts off (the dominator index answers that fast)
            lost = (
                topo.lost_if_fails(down[0], "link")
                if len(down) == 1
                else topo.unreachable_if(failed_links=down)
            )
            out.append(
                Hypothesis(
                    v, "node", "card_failure", failed_links=frozenset(down), lost=frozenset(lost)
                )
            )
            if len(down) > 1 and _shared_route(topo, v, down):
                # the same footprint as a duct cut, named by each of its links
                out.extend(
                    Hypothesis(
                        l, "link", "fiber_cut", failed_links=frozenset(down), lost=frozenset(lost)
                    )
                    for l in down
                )
    return out


def _shared_route(topo, v: str, links: list[str]) -> bool:
    """Whether ``links`` all leave ``v``'s site in one direction (within :data:`_SHARED_ROUTE_DEG`).

    False where a link is a radio hop or stays inside the site (ducts run
    between sites and carry fibre), or where coordinates are missing.
    """
    radio = topo.radio_links
    bearings = []
    for l in links:
        if l in radio or topo.inside_site(l):
            return False
        a, b = topo.link_endpoints(l)
        bearing = topo.bearing(v, b if a == v else a)
        if bearing is None:
            return False
        bearings.append(bearing)
    return _arc(bearings) <= _SHARED_ROUTE_DEG


def _arc(bearings: list[float]) -> float:
    """The narrowest arc, in degrees, holding every bearing: 360 less the widest gap between them."""
    b = sorted(bearings)
    gaps = [b[i + 1] - b[i] for i in range(len(b) - 1)] + [b[0] + 360.0 - b[-1]]
    return 360.0 - max(gaps)


def _simultaneous(first: dict[str, float], within: float) -> list[str]:
    """The largest group of links that went down within ``within`` seconds of each other."""
    if not first:
        return []
    items = sorted(first.items(), key=lambda kv: kv[1])
    best: list[str] = []
    for i, (_, t) in enumerate(items):
        group = [l for l, u in items[i:] if u - t <= within]
        if len(group) > len(best):
            best = group
    return best


def _load_hypotheses(obs: Observations) -> list[Hypothesis]:
    """Congestion or degradation of a link and CPU overload of an element, from metrics and SLA alarms."""
    topo = obs.topology
    out = []
    congested = set()
    overloaded = set()
    for o in obs.items:
        if o.role == "metric_load" and o.link is not None and topo.has_link(o.link):
            congested.add(o.link)
        elif o.role == "sla" and o.link is not None and topo.has_link(o.link):
            congested.add(o.link)
        elif o.role in ("metric_cpu", "cpu") and o.entity in topo:
            overloaded.add(o.entity)
    ports = {o.link for o in obs.items if o.role == "link" and o.link is not None}
    for l in congested:
        affected = frozenset(topo.downstream_of(l, "link"))
        out.append(Hypothesis(l, "link", "congestion", affected=affected, failed_links=frozenset()))
        if l in ports:
            # a degraded link (radio fading, errors): it flaps and loses
            # capacity rather than failing, so nothing behind it is lost
            out.append(
                Hypothesis(
                    l,
                    "link",
                    "link_degraded",
                    affected=affected,
                    intermittent=frozenset(topo.lost_if_fails(l, "link")),
                )
            )
    for v in overloaded:
        out.append(
            Hypothesis(v, "node", "cpu_overload", affected=frozenset(topo.downstream_of(v, "node")))
        )
    return out
