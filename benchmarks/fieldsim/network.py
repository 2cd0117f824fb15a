"""The simulated operator network: elements, sites, links, ports and services.

A backbone of PoPs (Topology Zoo or synthetic) carries P/PE routers; metro
regions hang below PE routers as aggregation rings of central offices (CO);
below each aggregation router come access structures: cell-site router
rings, hub-and-spoke cell sites, microwave chains of tail sites, daisy
chains of business switches and OLTs. Sites group the elements that share
a building and its power plant.

The module also derives the logical relations that alarms are about:
IGP adjacencies (also across microwave radios), iBGP sessions to route
reflectors, pseudowires, RSVP/SR tunnels, S1/NG and X2 associations of base
stations and PTP timing paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .backbone import Backbone, city_code, load_backbone

__all__ = ["Element", "Link", "Site", "Network", "build_network", "SIZES", "ROUTER_TYPES"]

SIZES: dict[str, tuple[int, int]] = {"small": (40, 80), "medium": (150, 400), "large": (1000, 2500)}
ROUTER_TYPES = ("core_router", "pe_router", "agg_router", "access_router")
LAYER_OF = {
    "core_router": "core",
    "pe_router": "core",
    "mobile_core": "core",
    "agg_router": "aggregation",
    "access_router": "access",
    "access_switch": "access",
    "olt": "access",
    "mw_radio": "access",
    "base_station": "ran",
}
MODELS = {
    ("cisco", "core_router"): ["NCS5508", "ASR9922", "8812"],
    ("cisco", "pe_router"): ["ASR9910", "ASR9906", "NCS5504"],
    ("cisco", "agg_router"): ["ASR9903", "NCS540", "ASR9001"],
    ("cisco", "access_router"): ["ASR920-24SZ", "NCS540-ACC", "ASR903"],
    ("cisco", "access_switch"): ["C9300-48P", "ME3400E", "IE-5000"],
    ("juniper", "core_router"): ["PTX10008", "MX2020", "PTX5000"],
    ("juniper", "pe_router"): ["MX960", "MX480", "MX10008"],
    ("juniper", "agg_router"): ["MX204", "ACX7100", "MX304"],
    ("juniper", "access_router"): ["ACX5448", "ACX710", "ACX2100"],
    ("juniper", "access_switch"): ["EX4300-48T", "EX2300-24P"],
    ("nokia", "core_router"): ["7950 XRS-20", "7750 SR-12e"],
    ("nokia", "pe_router"): ["7750 SR-7", "7750 SR-12", "7750 SR-1"],
    ("nokia", "agg_router"): ["7750 SR-a8", "7250 IXR-e", "7750 SR-2s"],
    ("nokia", "access_router"): ["7250 IXR-e small", "7705 SAR-8", "7705 SAR-H"],
    ("nokia", "olt"): ["ISAM FX-16", "Lightspan MF-2"],
    ("nokia", "mw_radio"): ["Wavence UBT-SA", "Wavence MSS-8"],
    ("nokia", "base_station"): ["AirScale", "Flexi Multiradio 10"],
    ("nokia", "mobile_core"): ["CMM", "Flexi NS"],
    ("huawei", "core_router"): ["NE5000E", "NE40E-X16A"],
    ("huawei", "pe_router"): ["NE40E-X8A", "NE8000 X8", "NE40E-X16"],
    ("huawei", "agg_router"): ["NE40E-M2K", "ATN 980C", "NE8000 M8"],
    ("huawei", "access_router"): ["ATN 910C", "ATN 950B", "NE05E"],
    ("huawei", "access_switch"): ["S5735-L24", "S6730-H24"],
    ("huawei", "olt"): ["MA5800-X17", "MA5800-X7", "MA5608T"],
    ("huawei", "mw_radio"): ["RTN 950A", "RTN 905 2F", "RTN 380"],
    ("huawei", "base_station"): ["BBU5900", "BBU3910"],
    ("huawei", "mobile_core"): ["USN9810", "UNC"],
    ("ericsson", "access_router"): ["Router 6672", "Router 6675", "Router 6471"],
    ("ericsson", "mw_radio"): ["MINI-LINK 6651", "MINI-LINK 6366", "MINI-LINK TN"],
    ("ericsson", "base_station"): ["Baseband 6630", "Baseband 5216", "RBS 6601"],
    ("ericsson", "mobile_core"): ["SGSN-MME", "PCC"],
    ("zte", "olt"): ["ZXA10 C600", "ZXA10 C320"],
    ("zte", "mw_radio"): ["ZXMW NR8250", "ZXMW PR10"],
    ("zte", "access_switch"): ["ZXR10 5960", "ZXR10 2928E"],
}


@dataclass
class Element:
    """One network element (a row of nodes.csv)."""

    id: str
    type: str
    site: str
    vendor: str
    model: str
    lat: float | None
    lon: float | None
    mgmt_ip: str
    gateway: bool = False
    rat: str = ""
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    region: int = -1

    @property
    def layer(self) -> str:
        """Layer name (core, aggregation, access, ran)."""
        return LAYER_OF[self.type]

    @property
    def is_router(self) -> bool:
        """True for elements that run the IGP."""
        return self.type in ROUTER_TYPES


@dataclass
class Link:
    """One physical link (a row of links.csv) with its two ports."""

    id: str
    a: str
    b: str
    type: str  # fiber, microwave, ethernet
    inter_site: bool
    cap: float = 0.0
    a_port: str = ""
    b_port: str = ""
    a_card: int = 0
    b_card: int = 0
    a_ifindex: int = 0
    b_ifindex: int = 0
    duct: str | None = None
    desc_a: str = ""
    desc_b: str = ""
    kind: str = ""  # core, agg, access, ran, mw, intra

    def other(self, n: str) -> str:
        """The far end of the link seen from ``n``."""
        return self.b if n == self.a else self.a

    def port(self, n: str) -> str:
        """Port name of ``n`` on this link."""
        return self.a_port if n == self.a else self.b_port

    def card(self, n: str) -> int:
        """Card (slot) number of ``n`` carrying this link."""
        return self.a_card if n == self.a else self.b_card


@dataclass
class Site:
    """A physical site: a building with one power plant."""

    id: str
    kind: str  # pop, co, cell, tail, customer
    city: str
    lat: float
    lon: float
    elements: list[str] = field(default_factory=list)


@dataclass
class Adjacency:
    """An IGP adjacency between two routers over a path of L2 elements."""

    r1: str
    r2: str
    links: tuple[str, ...]
    interior: tuple[str, ...]
    bfd: bool
    ldp: bool


@dataclass
class Network:
    """Everything the simulator knows about the network."""

    backbone: str
    naming: str
    elements: dict[str, Element]
    links: dict[str, Link]
    sites: dict[str, Site]
    igp: str = "isis"
    adjacencies: list[Adjacency] = field(default_factory=list)
    bgp: list[tuple[str, str, bool]] = field(default_factory=list)
    pws: list[tuple[str, str, int]] = field(default_factory=list)
    s1: list[tuple[str, str]] = field(default_factory=list)
    x2: list[tuple[str, str]] = field(default_factory=list)
    lsps: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    ptp: list[tuple[str, str]] = field(default_factory=list)
    ducts: dict[str, list[str]] = field(default_factory=dict)
    exits: list[str] = field(default_factory=list)
    route_reflectors: list[str] = field(default_factory=list)
    mobile_cores: list[str] = field(default_factory=list)
    demand: dict[str, float] = field(default_factory=dict)
    transit: dict[str, float] = field(default_factory=dict)
    stale_links: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild integer indices and adjacency lists."""
        self.node_ids = list(self.elements)
        self.nidx = {n: i for i, n in enumerate(self.node_ids)}
        self.link_ids = list(self.links)
        self.lidx = {l: i for i, l in enumerate(self.link_ids)}
        self.nbr: list[list[tuple[int, int]]] = [[] for _ in self.node_ids]
        for li, lid in enumerate(self.link_ids):
            lk = self.links[lid]
            a, b = self.nidx[lk.a], self.nidx[lk.b]
            self.nbr[a].append((b, li))
            self.nbr[b].append((a, li))
        self.gateway_idx = [self.nidx[n] for n, e in self.elements.items() if e.gateway]

    def of_type(self, *types: str) -> list[str]:
        """Element ids of the given types, in inventory order."""
        return [n for n, e in self.elements.items() if e.type in types]


# --------------------------------------------------------------------------- naming
class _Namer:
    """Per-incident node naming scheme."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.counts: dict[tuple[str, str], int] = {}

    def __call__(self, site: str, role: str) -> str:
        k = self.counts.get((site, role), 0) + 1
        self.counts[(site, role)] = k
        if self.style == "lower":
            return f"{site.lower()}.{role.lower()}{k}"
        if self.style == "under":
            return f"{role}_{site}_{k:02d}"
        return f"{site}-{role}{k:02d}"


_PORT_PREFIX = {
    "cisco": {
        1000: "GigabitEthernet",
        10000: "TenGigE",
        100000: "HundredGigE",
        400000: "FourHundredGigE",
    },
    "huawei": {
        1000: "GigabitEthernet",
        10000: "XGigabitEthernet",
        100000: "100GE",
        400000: "400GE",
    },
    "juniper": {1000: "ge-", 10000: "xe-", 100000: "et-", 400000: "et-"},
    "zte": {1000: "gei-", 10000: "xgei-", 100000: "cgei-", 400000: "cgei-"},
}


def port_name(vendor: str, etype: str, ltype: str, cap: float, card: int, idx: int) -> str:
    """Vendor-style interface name for a port."""
    speed = 1000 if cap <= 1000 else 10000 if cap <= 10000 else 100000 if cap <= 100000 else 400000
    if etype == "base_station":
        return {
            "ericsson": f"TnPort=TN_{'ABCD'[idx % 4]}",
            "nokia": f"EIF{idx + 1}",
            "huawei": f"0-0-{card}-{idx}",
        }.get(vendor, f"TN{idx}")
    if etype == "mw_radio":
        if ltype == "microwave":
            return {
                "ericsson": f"RAU 1/{card}",
                "huawei": f"{card}-ISV3-1(RTNIF-1)",
                "nokia": f"Radio#{card}",
                "zte": f"MW-{card}/1",
            }.get(vendor, f"IF{card}")
        return {
            "ericsson": f"LAN 1/{idx + 1}",
            "huawei": f"{card}-EG4-{idx + 1}(Port-{idx + 1})",
            "nokia": f"Core-E#{idx + 1}",
            "zte": f"gei-0/{card}/{idx + 1}",
        }.get(vendor, f"ETH{idx}")
    if etype == "olt" and vendor == "nokia":
        return f"nt-a:xfp:{idx + 1}"
    if vendor == "cisco":
        return f"{_PORT_PREFIX['cisco'][speed]}0/{card}/0/{idx}"
    if vendor == "juniper":
        return f"{_PORT_PREFIX['juniper'][speed]}{card}/0/{idx}"
    if vendor == "nokia":
        return f"{card}/1/{idx + 1}"
    if vendor == "huawei":
        return f"{_PORT_PREFIX['huawei'][speed]}{card}/0/{idx}"
    if vendor == "zte":
        return f"{_PORT_PREFIX['zte'][speed]}0/{card}/0/{idx + 1}"
    if vendor == "ericsson":
        return f"{'TenGigE' if speed >= 10000 else 'GigabitEthernet'} {card}/{idx + 1}"
    return f"port{card}/{idx}"


# --------------------------------------------------------------------------- builder
class _Builder:
    """Incrementally assembles a :class:`Network`."""

    def __init__(self, rng: np.random.Generator, size: str, target: int) -> None:
        self.rng = rng
        self.size = size
        self.target = target
        self.elements: dict[str, Element] = {}
        self.links: dict[str, Link] = {}
        self.sites: dict[str, Site] = {}
        self.naming = ["upper", "upper", "lower", "under"][int(rng.integers(4))]
        self.name = _Namer(self.naming)
        self.link_style = ["opaque", "circuit", "pair"][int(rng.integers(3))]
        self.nlinks = 0
        self.ip_next = int(rng.integers(1, 200)) * 256 + 1
        self.site_nums: set[int] = set()
        self.region = 0
        v = lambda xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
        core_v = v(["cisco", "juniper", "nokia", "huawei"])
        self.vendor = {
            "core_router": core_v,
            "pe_router": core_v
            if rng.random() < 0.7
            else v(["cisco", "juniper", "nokia", "huawei"]),
            "agg_router": core_v
            if rng.random() < 0.4
            else v(["cisco", "juniper", "nokia", "huawei"]),
            "access_router": v(["cisco", "nokia", "huawei", "ericsson", "juniper"]),
            "access_switch": v(["cisco", "huawei", "zte", "juniper"]),
            "olt": v(["huawei", "nokia", "zte"]),
            "mw_radio": v(["ericsson", "huawei", "nokia", "zte"]),
            "base_station": v(["ericsson", "nokia", "huawei"]),
            "mobile_core": v(["ericsson", "nokia", "huawei"]),
        }
        # a second access/RAN vendor in some regions (dual-vendor strategy)
        self.vendor2 = {
            "access_router": v(["cisco", "nokia", "huawei", "ericsson"]),
            "mw_radio": v(["ericsson", "huawei", "nokia", "zte"]),
            "base_station": v(["ericsson", "nokia", "huawei"]),
        }
        self.dual_vendor = rng.random() < 0.35
        self.home: dict[str, str] = {}  # access element -> its service router

    # -- primitives ------------------------------------------------------------
    def full(self) -> bool:
        """True once the element budget of the size class is used up."""
        return len(self.elements) >= self.target

    def site(self, sid: str, kind: str, city: str, lat: float, lon: float) -> str:
        self.sites[sid] = Site(sid, kind, city, lat, lon)
        return sid

    def near(self, sid: str, km_lo: float, km_hi: float) -> tuple[float, float]:
        s = self.sites[sid]
        d = self.rng.uniform(km_lo, km_hi)
        ang = self.rng.uniform(0, 2 * np.pi)
        lat = s.lat + d * np.cos(ang) / 111.0
        lon = s.lon + d * np.sin(ang) / (111.0 * max(0.2, np.cos(np.radians(s.lat))))
        return float(lat), float(lon)

    def new_site_id(self, pop: str, kind: str) -> str:
        while True:
            k = int(self.rng.integers(1000, 9999))
            if k not in self.site_nums:
                self.site_nums.add(k)
                break
        if kind == "customer":
            return f"B{k}{pop[:1]}"
        return f"{pop}{k}"

    def elem(self, etype: str, site: str, role: str, vendor: str | None = None) -> str:
        if vendor is None:
            vendor = self.vendor[etype]
            if self.dual_vendor and etype in self.vendor2 and self.region % 2 == 1:
                vendor = self.vendor2[etype]
        nid = self.name(site, role)
        models = MODELS.get((vendor, etype)) or MODELS.get((vendor, "access_router")) or ["generic"]
        s = self.sites[site]
        jit = 0.0005 if s.kind != "pop" else 0.002
        ip = self.ip_next
        self.ip_next += int(self.rng.integers(1, 4))
        e = Element(
            nid,
            etype,
            site,
            vendor,
            models[int(self.rng.integers(len(models)))],
            s.lat + float(self.rng.normal(0, jit)),
            s.lon + float(self.rng.normal(0, jit)),
            f"10.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}",
            region=self.region,
        )
        self.elements[nid] = e
        s.elements.append(nid)
        return nid

    def link(self, a: str, b: str, ltype: str, kind: str) -> str:
        self.nlinks += 1
        sa, sb = self.elements[a].site, self.elements[b].site
        inter = sa != sb
        if self.link_style == "opaque":
            lid = f"L{self.nlinks + 1000:05d}"
        elif self.link_style == "circuit":
            pre = {"fiber": "FO", "microwave": "MW", "ethernet": "XC"}[ltype]
            lid = f"{pre}/{sa}/{sb}/{self.nlinks:04d}" if inter else f"{pre}/{sa}/{self.nlinks:04d}"
        else:
            lid = f"{a}:{b}:{self.nlinks}"
        self.links[lid] = Link(lid, a, b, ltype, inter, kind=kind)
        self.elements[a].links.append(lid)
        self.elements[b].links.append(lid)
        return lid

    def bs_at(self, site: str, csr_or_radio: str) -> None:
        nbs = 1 + int(self.rng.random() < 0.45) + int(self.rng.random() < 0.12)
        for _ in range(nbs):
            rat = "NR" if self.rng.random() < 0.35 else "LTE"
            bs = self.elem("base_station", site, "GNB" if rat == "NR" else "ENB")
            e = self.elements[bs]
            e.rat = rat
            ncell = int(self.rng.integers(1, 4)) * (1 + int(self.rng.random() < 0.3))
            e.cells = [f"{bs}-{k + 1}" for k in range(ncell)]
            self.link(bs, csr_or_radio, "ethernet", "ran")

    def cell_site(self, pop: str, near_site: str, km: tuple[float, float]) -> tuple[str, str]:
        lat, lon = self.near(near_site, *km)
        sid = self.site(self.new_site_id(pop, "cell"), "cell", self.sites[near_site].city, lat, lon)
        csr = self.elem("access_router", sid, "CSR")
        self.bs_at(sid, csr)
        return sid, csr

    # -- backbone --------------------------------------------------------------
    def build_core(self, bb: Backbone) -> None:
        rng = self.rng
        taken: set[str] = set()
        self.pops: list[str] = []
        self.pop_routers: dict[str, list[str]] = {}
        p_two = {"small": 0.25, "medium": 0.6, "large": 0.75}[self.size]
        for i, city in enumerate(bb.cities):
            code = city_code(city, taken)
            self.site(code, "pop", city, bb.lat[i], bb.lon[i])
            self.pops.append(code)
            if rng.random() < p_two:
                kinds = (
                    [("core_router", "P"), ("pe_router", "PE")]
                    if rng.random() < 0.65
                    else [("pe_router", "PE"), ("pe_router", "PE")]
                )
            else:
                kinds = [("pe_router", "PE")] if rng.random() < 0.8 else [("core_router", "P")]
            rs = [self.elem(t, code, role) for t, role in kinds]
            self.pop_routers[code] = rs
            if len(rs) == 2:
                self.link(rs[0], rs[1], "fiber", "core")
        for a, b, m in bb.edges:
            ra, rb = self.pop_routers[self.pops[a]], self.pop_routers[self.pops[b]]
            pa = sorted(ra, key=lambda n: self.elements[n].type != "core_router")
            pb = sorted(rb, key=lambda n: self.elements[n].type != "core_router")
            self.link(pa[0], pb[0], "fiber", "core")
            if m > 1 or (len(ra) == 2 and len(rb) == 2 and rng.random() < 0.35):
                self.link(pa[-1], pb[-1], "fiber", "core")
        # mobile core(s) in data-centre PoPs
        n_mc = 1 if self.size != "large" else 2
        order = sorted(self.pops, key=lambda p: (-len(self.pop_routers[p]), float(rng.random())))
        self.mc_pops = order[:n_mc]
        self.mobile_cores = []
        for p in self.mc_pops:
            mc = self.elem("mobile_core", p, "MME" if rng.random() < 0.5 else "AMF")
            self.mobile_cores.append(mc)
            for r in self.pop_routers[p]:
                self.link(mc, r, "ethernet", "intra")
        self.pe_pops = [
            p
            for p in self.pops
            if any(self.elements[r].type == "pe_router" for r in self.pop_routers[p])
        ]
        if not self.pe_pops:
            p = self.pops[0]
            self.elements[self.pop_routers[p][0]].type = "pe_router"
            self.pe_pops = [p]
        self.pop_adj: dict[str, list[str]] = {p: [] for p in self.pops}
        for a, b, _m in bb.edges:
            self.pop_adj[self.pops[a]].append(self.pops[b])
            self.pop_adj[self.pops[b]].append(self.pops[a])

    # -- metro / access --------------------------------------------------------
    def add_region(self) -> None:
        rng = self.rng
        self.region += 1
        pop = self.pe_pops[int(rng.integers(len(self.pe_pops)))]
        pes = [r for r in self.pop_routers[pop] if self.elements[r].type == "pe_router"]
        pe_a = pes[0]
        if len(pes) > 1:
            pe_b = pes[1]
        else:
            nb = [p for p in self.pop_adj[pop] if p in self.pe_pops]
            if nb and rng.random() < 0.4:
                other = nb[int(rng.integers(len(nb)))]
                pe_b = [r for r in self.pop_routers[other] if self.elements[r].type == "pe_router"][
                    0
                ]
            else:
                pe_b = pe_a
        k_hi = {"small": 3, "medium": 5, "large": 7}[self.size]
        k = int(rng.integers(1, k_hi + 1))
        aggs = []
        for _ in range(k):
            lat, lon = self.near(pop, 4, 40)
            co = self.site(
                f"{pop}{len([s for s in self.sites if s.startswith(pop)]):02d}",
                "co",
                self.sites[pop].city,
                lat,
                lon,
            )
            aggs.append(self.elem("agg_router", co, "AG"))
        ring = [pe_a] + aggs + [pe_b]
        for x, y in zip(ring[:-1], ring[1:]):
            self.link(x, y, "fiber", "agg")
        if k == 1 and pe_a == pe_b:
            self.link(aggs[0], pe_a, "fiber", "agg")
        for ag in aggs:
            self.home[ag] = pe_a
        # access below each aggregation router
        n_struct_hi = {"small": 2, "medium": 3, "large": 4}[self.size]
        for j, ag in enumerate(aggs):
            other = aggs[(j + 1) % k] if k > 1 else ag
            for _ in range(int(rng.integers(1, n_struct_hi + 1))):
                if len(self.elements) >= self.target:
                    return
                self.access(pop, ag, other)

    def access(self, pop: str, ag: str, ag2: str) -> None:
        rng = self.rng
        kind = rng.choice(
            ["csr_ring", "hub_spoke", "mw_chain", "switch_chain", "olt"],
            p=[0.34, 0.16, 0.2, 0.15, 0.15],
        )
        co = self.elements[ag].site
        if kind == "csr_ring":
            n = int(rng.integers(2, 5 if self.size == "small" else 8))
            prev, prev_site = ag, co
            csrs = []
            for _ in range(n):
                if csrs and self.full():
                    break
                sid, csr = self.cell_site(pop, prev_site, (1.0, 6.0))
                self.link(prev, csr, "fiber", "access")
                self.home[csr] = ag
                csrs.append(csr)
                prev, prev_site = csr, sid
            if rng.random() < 0.8:  # closed ring; otherwise an open horseshoe
                self.link(prev, ag2, "fiber", "access")
            if rng.random() < 0.3:
                hub = csrs[int(rng.integers(len(csrs)))]
                self.mw_chain(pop, hub, ag)
        elif kind == "hub_spoke":
            for k in range(int(rng.integers(2, 6))):
                if k and self.full():
                    break
                sid, csr = self.cell_site(pop, co, (1.0, 8.0))
                self.link(ag, csr, "fiber", "access")
                self.home[csr] = ag
                if ag2 != ag and rng.random() < 0.3:
                    self.link(ag2, csr, "fiber", "access")
        elif kind == "mw_chain":
            if rng.random() < 0.5:
                sid, hub = self.cell_site(pop, co, (1.0, 5.0))
                self.link(ag, hub, "fiber", "access")
                self.home[hub] = ag
            else:
                hub = ag
            self.mw_chain(pop, hub, ag)
        elif kind == "switch_chain":
            prev, prev_site = ag, co
            for k in range(int(rng.integers(2, 6))):
                if k and self.full():
                    break
                lat, lon = self.near(prev_site, 0.5, 4)
                sid = self.site(
                    self.new_site_id(pop, "customer"), "customer", self.sites[co].city, lat, lon
                )
                sw = self.elem("access_switch", sid, "SW")
                self.link(prev, sw, "fiber", "access")
                self.home[sw] = ag
                prev, prev_site = sw, sid
            if ag2 != ag and rng.random() < 0.4:
                self.link(prev, ag2, "fiber", "access")
        else:
            olt = self.elem("olt", co, "OLT")
            self.home[olt] = ag
            self.link(olt, ag, "fiber", "intra")
            if ag2 != ag and rng.random() < 0.6:
                self.link(olt, ag2, "fiber", "access")
            else:
                self.link(olt, ag, "fiber", "intra")  # second LAG member

    def mw_chain(self, pop: str, hub: str, ag: str) -> None:
        rng = self.rng
        hub_site = self.elements[hub].site
        r_prev = self.elem("mw_radio", hub_site, "MW")
        self.link(r_prev, hub, "ethernet", "intra")
        prev_site = hub_site
        hops = int(rng.integers(1, 4 if self.size == "small" else 5))
        chain = []
        for k in range(hops):
            if k and self.full():
                break
            lat, lon = self.near(prev_site, 3, 15)
            sid = self.site(
                self.new_site_id(pop, "tail"), "tail", self.sites[hub_site].city, lat, lon
            )
            r = self.elem("mw_radio", sid, "MW")
            self.link(r_prev, r, "microwave", "mw")
            if rng.random() < 0.4:
                csr = self.elem("access_router", sid, "CSR")
                self.link(r, csr, "ethernet", "intra")
                self.home[csr] = ag
                self.bs_at(sid, csr)
            else:
                self.bs_at(sid, r)
            chain.append((r, sid))
            r_prev, prev_site = r, sid
        if (
            len(chain) >= 2 and rng.random() < 0.25 and not self.full()
        ):  # a branch from a relay site
            r0, s0 = chain[int(rng.integers(len(chain) - 1))]
            lat, lon = self.near(s0, 3, 12)
            sid = self.site(self.new_site_id(pop, "tail"), "tail", self.sites[s0].city, lat, lon)
            r = self.elem("mw_radio", sid, "MW")
            self.link(r0, r, "microwave", "mw")
            self.bs_at(sid, r)

    # -- finishing ---------------------------------------------------------------
    def assign_ports(self) -> None:
        """Spread each element's links over cards and name the ports."""
        rng = self.rng
        ifx = int(rng.integers(10, 60))
        for nid, e in self.elements.items():
            lks = list(e.links)
            card = 0 if e.vendor in ("cisco", "juniper", "huawei") else 1
            card += int(rng.integers(0, 3))
            per = int(rng.integers(2, 7))
            used = 0
            idx = 0
            for lid in lks:
                lk = self.links[lid]
                if e.type == "base_station":
                    c, i = 1, idx
                elif e.type == "mw_radio" and lk.type == "microwave":
                    c, i = 3 + idx, 1
                else:
                    if used >= per:
                        card += 1
                        used = 0
                        idx = 0
                        per = int(rng.integers(2, 7))
                    c, i = card, idx
                    used += 1
                cap = lk.cap or (10000 if lk.kind in ("core", "agg") else 1000)
                name = port_name(e.vendor, e.type, lk.type, cap, c, i)
                ifx += int(rng.integers(1, 9))
                if lk.a == nid and not lk.a_port:
                    lk.a_port, lk.a_card, lk.a_ifindex = name, c, ifx
                else:
                    lk.b_port, lk.b_card, lk.b_ifindex = name, c, ifx
                idx += 1
        odd = [
            'to {p} "core" ring',
            "to {p}, temp <fix> per CR",
            "→{p} (Zürich route)",
            "{p}; DO NOT TOUCH",
            "<script>alert('x')</script> {p}",
            "to {p} '; DROP TABLE links;--",
        ]
        for lk in self.links.values():
            for side in ("a", "b"):
                peer = lk.b if side == "a" else lk.a
                pport = lk.b_port if side == "a" else lk.a_port
                r = rng.random()
                if r < 0.04:
                    d = odd[int(rng.integers(len(odd)))].format(p=peer)
                elif r < 0.75:
                    d = f"to {peer} {pport}"
                elif r < 0.85:
                    d = f"{lk.id}"
                else:
                    d = ""
                setattr(lk, "desc_" + side, d)

    def assign_ducts(self) -> dict[str, list[str]]:
        """Group inter-site fibres that share a trench leaving a site."""
        rng = self.rng
        ducts: dict[str, list[str]] = {}
        in_duct: set[str] = set()
        pairs: dict[tuple[str, str], list[str]] = {}
        for lid, lk in self.links.items():
            if lk.type == "fiber" and lk.inter_site:
                key = tuple(sorted((self.elements[lk.a].site, self.elements[lk.b].site)))
                pairs.setdefault(key, []).append(lid)
        n = 0
        for key in sorted(pairs):
            if len(pairs[key]) > 1:
                n += 1
                ducts[f"D{n:03d}"] = list(pairs[key])
                in_duct.update(pairs[key])
        for sid in sorted(self.sites):
            out = []
            for e in self.sites[sid].elements:
                for lid in self.elements[e].links:
                    lk = self.links[lid]
                    if (
                        lk.type == "fiber"
                        and lk.inter_site
                        and lid not in in_duct
                        and lid not in out
                    ):
                        out.append(lid)
            if len(out) >= 2 and rng.random() < 0.45:
                k = int(rng.integers(2, min(4, len(out)) + 1))
                pick = [out[int(i)] for i in rng.choice(len(out), size=k, replace=False)]
                n += 1
                ducts[f"D{n:03d}"] = pick
                in_duct.update(pick)
        if not ducts:  # guarantee at least one shared trench
            for sid in sorted(self.sites):
                out = [
                    lid
                    for e in self.sites[sid].elements
                    for lid in self.elements[e].links
                    if self.links[lid].type == "fiber" and self.links[lid].inter_site
                ]
                out = list(dict.fromkeys(out))
                if len(out) >= 2:
                    ducts["D001"] = out[:2]
                    break
        for d, lids in ducts.items():
            for lid in lids:
                self.links[lid].duct = d
        return ducts


def _choose_capacity(load: float, kind: str, ltype: str, u: float) -> float:
    steps = {
        "core": [10000, 100000, 100000, 400000],
        "agg": [10000, 10000, 100000],
        "access": [1000, 10000],
        "mw": [200, 300, 400, 500, 700, 1000, 2000, 2500, 10000],
        "ran": [1000, 10000],
        "intra": [1000, 10000, 100000],
    }[kind if ltype != "microwave" else "mw"]
    need = load / max(u, 1e-3)
    for s in steps:
        if s >= need:
            return float(s)
    return float(steps[-1])


def _traffic_and_capacity(net: Network, rng: np.random.Generator) -> None:
    """Busy-hour demand per element, routed to the exits, sets capacities."""
    for n, e in net.elements.items():
        if e.type == "base_station":
            net.demand[n] = float(rng.uniform(150, 900) if e.rat == "NR" else rng.uniform(40, 260))
        elif e.type == "olt":
            net.demand[n] = float(rng.uniform(800, 6000))
        elif e.type == "access_switch":
            net.demand[n] = float(rng.uniform(50, 1200))
    from .state import route_tree  # local import: state depends on network

    loads = route_tree(net, frozenset(), frozenset())[2]
    for lid, lk in net.links.items():
        base = loads[net.lidx[lid]]
        if lk.kind == "core":
            net.transit[lid] = float(rng.uniform(0.3, 1.2) * base + rng.uniform(2000, 30000))
        total = base + net.transit.get(lid, 0.0)
        busy = rng.random() < 0.06
        u = rng.uniform(0.7, 0.86) if busy else rng.uniform(0.15, 0.6)
        lk.cap = _choose_capacity(total, lk.kind, lk.type, u)
        if lk.kind in ("core", "agg") and lk.cap < 10000:
            lk.cap = 10000.0


def _services(net: Network, b: _Builder, rng: np.random.Generator) -> None:
    """Derive the protocol relations the alarms talk about."""
    el = net.elements
    routers = [n for n, e in el.items() if e.is_router]
    rset = set(routers)
    bfd_frac = float(rng.uniform(0.2, 0.95))
    ldp = rng.random() < 0.7
    seen: set[tuple] = set()
    for r in routers:
        for lid in el[r].links:
            lk = net.links[lid]
            o = lk.other(r)
            if o in rset:
                key = (lid,)
                if key not in seen:
                    seen.add(key)
                    net.adjacencies.append(
                        Adjacency(r, o, (lid,), (), rng.random() < bfd_frac, ldp)
                    )
            elif el[o].type == "mw_radio":
                # walk through radios to the router at the other end of the chain
                stack = [(o, (lid,), (o,))]
                while stack:
                    cur, path, inner = stack.pop()
                    for l2 in el[cur].links:
                        if l2 in path:
                            continue
                        nxt = net.links[l2].other(cur)
                        if nxt in rset and nxt != r:
                            key = tuple(sorted(path + (l2,)))
                            if key not in seen:
                                seen.add(key)
                                net.adjacencies.append(
                                    Adjacency(
                                        r, nxt, path + (l2,), inner, rng.random() < bfd_frac, ldp
                                    )
                                )
                        elif el[nxt].type == "mw_radio" and nxt not in inner:
                            stack.append((nxt, path + (l2,), inner + (nxt,)))
    cores = [n for n in routers if el[n].type == "core_router"] or [
        n for n in routers if el[n].type == "pe_router"
    ]
    pick = [int(i) for i in rng.choice(len(cores), size=min(2, len(cores)), replace=False)]
    net.route_reflectors = [cores[i] for i in sorted(pick)]
    bgp_bfd = rng.random() < 0.3
    for n in routers:
        if el[n].type in ("pe_router", "agg_router") and n not in net.route_reflectors:
            for rr in net.route_reflectors:
                net.bgp.append((n, rr, bgp_bfd))
    pwid = int(rng.integers(100, 900))
    for n, home in b.home.items():
        if el[n].type in ("access_router", "access_switch", "olt"):
            pwid += int(rng.integers(1, 20))
            net.pws.append((n, home, pwid))
    bss = net.of_type("base_station")
    for bs in bss:
        mcs = net.mobile_cores
        net.s1.append((bs, mcs[0]))
        if len(mcs) > 1 and rng.random() < 0.6:
            net.s1.append((bs, mcs[1]))
    # X2: nearest neighbours among base stations of the same region
    by_region: dict[int, list[str]] = {}
    for bs in bss:
        by_region.setdefault(el[bs].region, []).append(bs)
    pairs: set[tuple[str, str]] = set()
    for reg in sorted(by_region):
        group = by_region[reg]
        if len(group) < 2:
            continue
        lat = np.array([el[x].lat for x in group])
        lon = np.array([el[x].lon for x in group])
        d = (lat[:, None] - lat[None, :]) ** 2 + (lon[:, None] - lon[None, :]) ** 2
        np.fill_diagonal(d, np.inf)
        for i, x in enumerate(group):
            for j in np.argsort(d[i])[: int(rng.integers(1, 4))]:
                y = group[int(j)]
                if el[x].site != el[y].site:
                    pairs.add(tuple(sorted((x, y))))
    net.x2 = sorted(pairs)
    # PTP timing from a grandmaster behind a core router
    gm = net.route_reflectors[0]
    ptp_frac = float(rng.uniform(0.0, 0.8))
    net.ptp = [(bs, gm) for bs in bss if rng.random() < ptp_frac]
    # traffic-engineered tunnels between service routers
    heads = [n for n in routers if el[n].type in ("pe_router", "agg_router")]
    n_lsp = {"small": 4, "medium": 14, "large": 40}[b.size]
    import networkx as nx

    g = nx.Graph()
    for lid, lk in net.links.items():
        if (
            lk.a in rset
            and lk.b in rset
            and el[lk.a].layer != "access"
            and el[lk.b].layer != "access"
        ):
            g.add_edge(lk.a, lk.b, lid=lid)
    for k in range(n_lsp if len(heads) > 1 else 0):
        h, t = (heads[int(i)] for i in rng.choice(len(heads), size=2, replace=False))
        if h not in g or t not in g or not nx.has_path(g, h, t):
            continue
        path = nx.shortest_path(g, h, t)
        lids = tuple(g.edges[u, v]["lid"] for u, v in zip(path[:-1], path[1:]))
        net.lsps.append((h, t, f"LSP-{h}-{t}-{k}", lids, tuple(path)))


def build_network(size: str, rng: np.random.Generator, zoo: Path | None) -> Network:
    """Build a random network of the given size class.

    Parameters
    ----------
    size : {"small", "medium", "large"}
        Size class; see :data:`SIZES` for the element counts.
    rng : numpy.random.Generator
        Source of randomness.
    zoo : Path or None
        Topology Zoo folder (``None``: synthetic backbone).

    Returns
    -------
    Network
    """
    lo, hi = SIZES[size]
    target = int(rng.integers(int(lo * 1.08), int(hi * 0.88)))
    n_pops = {
        "small": int(rng.integers(3, 6)),
        "medium": int(rng.integers(6, 15)),
        "large": int(rng.integers(14, 40)),
    }[size]
    b = _Builder(rng, size, target)
    bb = load_backbone(n_pops, rng, zoo)
    b.build_core(bb)
    # the first region always gets a microwave chain so that every fault type is possible
    b.region += 1
    pe = [r for r in b.pop_routers[b.pe_pops[0]] if b.elements[r].type == "pe_router"][0]
    co = b.site(f"{b.pe_pops[0]}00", "co", b.sites[b.pe_pops[0]].city, *b.near(b.pe_pops[0], 4, 30))
    ag = b.elem("agg_router", co, "AG")
    b.link(pe, ag, "fiber", "agg")
    b.link(ag, [r for r in b.pop_routers[b.pe_pops[0]]][-1], "fiber", "agg")
    b.home[ag] = pe
    sid, hub = b.cell_site(b.pe_pops[0], co, (1.0, 5.0))
    b.link(ag, hub, "fiber", "access")
    b.home[hub] = ag
    b.mw_chain(b.pe_pops[0], hub, ag)
    while len(b.elements) < target:
        b.add_region()
    ducts = b.assign_ducts()
    # gateways: the NOC PoP(s); sometimes an out-of-band DCN reaches every core router
    noc = b.pops[: 1 if size == "small" else 2]
    oob = rng.random() < 0.35
    for _n, e in b.elements.items():
        if e.type in ("core_router", "pe_router") and (e.site in noc or oob):
            e.gateway = True
    exits = [r for p in b.mc_pops for r in b.pop_routers[p]]
    extra = [p for p in b.pops if p not in b.mc_pops]
    if extra:
        p = extra[int(rng.integers(len(extra)))]
        exits += b.pop_routers[p]
    net = Network(bb.name, b.naming, b.elements, b.links, b.sites)
    net.exits = exits
    net.mobile_cores = b.mobile_cores
    net.ducts = ducts
    net.igp = "isis" if rng.random() < 0.6 else "ospf"
    _traffic_and_capacity(net, rng)
    b.assign_ports()
    _services(net, b, rng)
    return net
