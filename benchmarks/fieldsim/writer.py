"""Inventory tables and the incident folder on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    from . import FieldIncident

__all__ = ["inventory", "write_incident"]


def inventory(
    net: Network, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """nodes.csv and links.csv as an OSS inventory export would give them.

    A few inventories lack coordinates for part of the access network, and
    some (about 15 %) still list one or two links to decommissioned
    elements that are no longer in nodes.csv (returned as the third value).
    """
    el = net.elements
    drop_coords = rng.random() < 0.3
    p_drop = float(rng.uniform(0.05, 0.2))
    rows = []
    for n, e in el.items():
        lat, lon = e.lat, e.lon
        if drop_coords and e.layer in ("access", "ran") and rng.random() < p_drop:
            lat = lon = None
        rows.append(
            {
                "node_id": n,
                "node_type": e.type,
                "site": e.site,
                "layer": e.layer,
                "lat": None if lat is None else round(lat, 5),
                "lon": None if lon is None else round(lon, 5),
                "gateway": "true" if e.gateway else "false",
                "vendor": e.vendor,
                "model": e.model,
                "mgmt_ip": e.mgmt_ip,
            }
        )
    nodes = pd.DataFrame(rows)
    if rng.random() < 0.5:
        nodes = nodes.sort_values("node_id", kind="stable").reset_index(drop=True)
    with_ports = rng.random() < 0.6
    lrows = []
    for lid, lk in net.links.items():
        r = {
            "link_id": lid,
            "source": lk.a,
            "target": lk.b,
            "link_type": lk.type,
            "capacity_mbps": int(lk.cap),
        }
        if with_ports:
            r["source_port"] = lk.a_port
            r["target_port"] = lk.b_port
        lrows.append(r)
    stale: list[dict] = []
    if rng.random() < 0.15:
        ids = list(el)
        for k in range(int(rng.integers(1, 3))):
            a = ids[int(rng.integers(len(ids)))]
            ghost = f"{el[a].site}-DECOM{k + 1}"
            r = {
                "link_id": f"DECOM-LINK-{k + 1}",
                "source": a,
                "target": ghost,
                "link_type": "fiber",
                "capacity_mbps": 1000,
            }
            if with_ports:
                r["source_port"] = ""
                r["target_port"] = ""
            lrows.append(r)
            stale.append({"link_id": r["link_id"], "missing_node": ghost})
    links = pd.DataFrame(lrows)
    return nodes, links, stale


def write_incident(incident: FieldIncident, folder: str | Path) -> Path:
    """Write one incident folder in the interchange format.

    Parameters
    ----------
    incident : FieldIncident
    folder : str or Path
        Created if needed; existing files of the same names are replaced.

    Returns
    -------
    Path
        The folder.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    incident.nodes.to_csv(out / "nodes.csv", index=False)
    incident.links.to_csv(out / "links.csv", index=False)
    incident.alarms.to_csv(out / "alarms.csv", index=False)
    m = out / "metrics.csv"
    if incident.metrics is not None:
        incident.metrics.to_csv(m, index=False)
    elif m.exists():
        m.unlink()
    (out / "truth.json").write_text(
        json.dumps(incident.truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return out
