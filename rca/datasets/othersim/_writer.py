"""Write a simulated incident as a folder in the spec's incident format."""

from __future__ import annotations

import json
from pathlib import Path

from ._incident import SimIncident


def write_incident(incident: SimIncident, folder: str | Path) -> Path:
    """Write ``nodes.csv``, ``links.csv``, ``alarms.csv``, ``metrics.csv`` (if any) and ``truth.json``.

    Parameters
    ----------
    incident : SimIncident
    folder : str or Path
        Created if missing; existing files of the same names are replaced.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    incident.nodes.to_csv(folder / "nodes.csv", index=False)
    incident.links.to_csv(folder / "links.csv", index=False)
    incident.alarms.to_csv(folder / "alarms.csv", index=False)
    metrics = folder / "metrics.csv"
    if incident.metrics is not None:
        incident.metrics.to_csv(metrics, index=False)
    elif metrics.exists():
        metrics.unlink()
    (folder / "truth.json").write_text(json.dumps(incident.truth, indent=1))
    return folder
