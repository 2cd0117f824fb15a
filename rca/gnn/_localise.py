"""Root localisation with the shipped failure GNN, as an :class:`~rca.result.RCAResult`."""

from __future__ import annotations

import time

import numpy as np

from rca.gnn._graph_data import OBSERVED_FEATURES, STRUCTURE_FEATURES
from rca.incident import Incident
from rca.result import Candidate, Evidence, EvidenceAlarm, RCAResult
from rca.vocabulary import clear_rows

__all__ = ["localise"]

_MAX_HOPS = 6
_PATHS = 3
_N_ALARMS = len(STRUCTURE_FEATURES) + OBSERVED_FEATURES.index("n_alarms")


def _first_alarms(incident: Incident, onset: float) -> dict[str, list[EvidenceAlarm]]:
    frame = incident.alarms.frame
    if not len(frame) or not np.isfinite(onset):
        return {}
    t = frame["time"].to_numpy(dtype=np.float64)
    keep = (t >= onset - 120.0) & (t <= onset + 1800.0) & ~clear_rows(frame)
    out: dict[str, list[EvidenceAlarm]] = {}
    link = (
        frame["link_id"].astype(object).to_numpy()
        if "link_id" in frame.columns
        else [None] * len(frame)
    )
    for dev, kind, when, lid in zip(
        frame["device"].astype(object).to_numpy()[keep],
        frame["alarm_type"].astype(object).to_numpy()[keep],
        t[keep],
        np.asarray(link, dtype=object)[keep],
    ):
        got = out.setdefault(str(dev), [])
        if len(got) < 3:
            got.append(
                EvidenceAlarm(
                    str(dev), str(kind), float(when), lid if isinstance(lid, str) else None
                )
            )
    return out


def _evidence(
    incident: Incident,
    entity: str,
    kind: str,
    alarming: list[str],
    alarms: dict[str, list[EvidenceAlarm]],
) -> tuple[list[Evidence], int]:
    topo = incident.topology
    if kind == "link":
        starts = list(topo.link_endpoints(entity))
    elif kind == "site":
        starts = list(topo.sites.get(entity, []))
    else:
        starts = [entity]
    best: dict[str, list[str]] = {}
    for s in starts:
        for target, path in topo.path_tree(s, alarming, max_hops=_MAX_HOPS).items():
            if target not in best or len(path) < len(best[target]):
                best[target] = path
    near = sorted(best, key=lambda v: (len(best[v]), v))
    out = []
    for target in near[:_PATHS]:
        path = best[target] if kind == "node" else [entity, *best[target]]
        hops = len(best[target]) - 1
        if hops == 0:
            why = {
                "node": f"{target} alarms itself",
                "link": f"{target}, an end of {entity}, alarms",
                "site": f"{target}, at site {entity}, alarms",
            }[kind]
        else:
            why = f"{target} alarms {hops} hop(s) from {entity}"
        out.append(Evidence(tuple(path), why, tuple(alarms.get(target, ())), source="gnn"))
    if not out:
        out.append(
            Evidence(
                (entity,),
                f"no alarming element within {_MAX_HOPS} hops of {entity}; "
                "scored from the topology and telemetry",
                source="gnn",
            )
        )
    close = sum(1 for v in near if len(best[v]) - 1 <= 2)
    return out, close


def localise(incident: Incident, *, max_candidates: int = 20, model=None) -> RCAResult:
    """Rank root causes with the failure GNN (``rca analyze --method gnn``).

    Parameters
    ----------
    incident : Incident
        Topology, alarms and optional metrics.
    max_candidates : int, default 20
        How many candidates to return.
    model : FailureGNN, optional
        Default: the shipped weights (loaded once per process).

    Returns
    -------
    RCAResult
        ``method="gnn"``; each candidate's score is the GNN's root
        probability (a softmax over every element, link and site), its fault
        the most likely fault type for its kind, and its evidence the
        topology paths to the nearest alarming elements (``source="gnn"``).

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> inc = make_incident(fault="node_down", size="small", random_state=2)
    >>> res = localise(inc, max_candidates=5)
    >>> res.method, len(res) == 5, res[0].evidence[0].source
    ('gnn', True, 'gnn')
    """
    start = time.perf_counter()
    from rca.gnn._failure_model import shipped_failure_model as _shipped_model

    est = model if model is not None else _shipped_model()
    scores = est.predict(incident)
    data = scores.data
    n = incident.topology.n_nodes
    alarming = [scores.entity_ids[i] for i in np.flatnonzero(data.x[:n, _N_ALARMS].numpy() > 0)]
    alarms = _first_alarms(incident, float(data.onset))
    candidates = []
    for rank, i in enumerate(scores.order()[: int(max_candidates)], start=1):
        entity, kind, p = scores.entity_ids[i], scores.kinds[i], float(scores.probability[i])
        evidence, close = _evidence(incident, entity, kind, alarming, alarms)
        reason = (
            f"GNN root probability {p:.2f} for {scores.fault[i]}; "
            f"{close} alarming element(s) within 2 hops"
        )
        candidates.append(
            Candidate(
                rank,
                entity,
                kind,
                min(max(p, 0.0), 1.0),
                scores.fault[i],
                reason,
                tuple(evidence),
                explained=close,
                scores={"gnn": p},
            )
        )
    notes = (
        ()
        if alarming
        else ("no alarms in the incident window: the ranking rests on topology and metrics",)
    )
    return RCAResult(
        incident.name,
        tuple(candidates),
        time.perf_counter() - start,
        "gnn",
        len(incident.alarms),
        notes,
    )
