"""Turn a delivered symptom into alarm rows in the vendor's own words."""

from __future__ import annotations

import zlib

import numpy as np

from . import vocab
from .events import Sym
from .network import Network

__all__ = ["Renderer"]


class _Ctx(dict):
    def __missing__(self, key: str) -> str:  # unknown placeholders render empty
        return ""


def _num(s: str, mod: int, base: int = 0) -> int:
    return base + zlib.crc32(s.encode()) % mod


class Renderer:
    """Per-incident rendering choices (normalisation, link_id habits, ...).

    Parameters
    ----------
    net : Network
    rng : numpy.random.Generator
    """

    def __init__(self, net: Network, rng: np.random.Generator) -> None:
        self.net = net
        vendors = sorted({e.vendor for e in net.elements.values()})
        mode = rng.choice(["none", "all", "some"], p=[0.6, 0.2, 0.2])
        self.normalise = {
            v: (mode == "all") or (mode == "some" and rng.random() < 0.5) for v in vendors
        }
        self.p_link = {v: float(rng.uniform(0.25, 0.95)) for v in vendors}
        self.p_link_proto = float(rng.uniform(0.0, 0.4))
        self.pair_ids = bool(rng.random() < 0.08)  # an EMS naming links SOURCE--TARGET
        self.ping = vocab.PING_STYLES[int(rng.integers(len(vocab.PING_STYLES)))]
        self.maint_mark = bool(rng.random() < 0.6)
        self.ntp = ["10.0.0.1", "ntp1.oss.example.net", "192.0.2.123"][int(rng.integers(3))]
        self.users = [
            "noc_ops",
            "jsmith",
            "a.kowalski",
            "netconf-bot",
            "admin",
            "r.müller",
            "oss_poller",
            "ansible",
        ]
        self.rng = rng

    def context(self, s: Sym) -> _Ctx:
        """Values available to message templates."""
        net = self.net
        e = net.elements.get(s.device)
        c = _Ctx(
            dev=s.device,
            ip=e.mgmt_ip if e else "10.255.0.1",
            site=e.site if e else "",
            ntp=self.ntp,
            mrbts=_num(s.device, 90000, 10000),
            reason="",
        )
        if s.link and s.link in net.links:
            lk = net.links[s.link]
            me = s.device if s.device in (lk.a, lk.b) else lk.a
            c["port"] = lk.port(me)
            c["peer"] = lk.other(me)
            c["card"] = lk.card(me)
            c["ifindex"] = lk.a_ifindex if me == lk.a else lk.b_ifindex
            c["optic"] = c["port"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")
            desc = lk.desc_a if me == lk.a else lk.desc_b
            if desc and self.rng.random() < 0.3:
                c["port"] = f"{c['port']} ({desc})"
        c.update(s.ctx)
        peer = c.get("peer")
        if peer:
            pe = net.elements.get(peer)
            c["peer_ip"] = pe.mgmt_ip if pe else "10.254.0.9"
            c["disc"] = _num(s.device + str(peer), 60000, 1000)
        if "lsp" in c:
            c["tun"] = _num(c["lsp"], 9000, 100)
            c["frr"] = (
                "reverted to primary path" if c.get("revert") else "active, protected link down"
            )
        c.setdefault("user", "noc_ops")
        return c

    def rows(self, s: Sym) -> list[tuple[str, str, str, str]]:
        """Rows ``(alarm_type, severity, link_id, message)`` for one symptom."""
        net = self.net
        e = net.elements.get(s.device)
        vendor = e.vendor if e else str(s.ctx.get("vendor", "nms"))
        code = s.code
        if code == "IGP_ADJ_DOWN":
            code = "IGP_" + net.igp.upper()
        if code == "NE_COMM_LOST":
            rends = vocab.EMS_COMM.get(vendor, vocab.GENERIC["NE_COMM_LOST"])
        elif code == "PING_FAIL":
            rends = [self.ping]
        elif s.raiser is None and code in ("UTIL_HIGH", "LATENCY_HIGH", "PKT_LOSS", "CPU_HIGH"):
            rends = vocab.lookup(vendor if vendor in ("huawei", "nokia") else "nms", code)
        else:
            rends = vocab.lookup(vendor, code)
        ctx = self.context(s)
        style = vocab.SEVERITY_STYLE.get(vendor, str.lower)
        out = []
        for typ, sev, msg, ctyp, cmsg in rends:
            if s.clear:
                typ = ctyp or typ
                msg = cmsg or ("CLEARED: " + msg)
                sev = "cleared"
            text = msg.format_map(ctx)
            if self.normalise.get(vendor) and code in vocab.NORMALISED:
                ntyp, nsev = vocab.NORMALISED[code]
                text = f"{typ}: {text}"
                typ = ntyp
                sev = sev if s.clear else nsev
            if s.maint and self.maint_mark:
                text = "[MAINTENANCE] " + text
                if not s.clear:
                    sev = "warning"
            out.append((typ, style(sev.lower()), self.link_id(s, code, vendor), text))
        return out

    def link_id(self, s: Sym, code: str, vendor: str) -> str:
        """The link_id column: filled when the EMS maps the port to a link."""
        if not s.link:
            return ""
        p = (
            self.p_link.get(vendor, 0.5)
            if s.code in vocab.LINK_CODES
            else (self.p_link_proto if s.code in ("IGP_ADJ_DOWN", "BFD_DOWN", "LDP_DOWN") else 0.0)
        )
        if self.rng.random() >= p:
            return ""
        if self.pair_ids and s.link in self.net.links:
            lk = self.net.links[s.link]
            return "--".join(sorted((lk.a, lk.b)))
        return s.link
