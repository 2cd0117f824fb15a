"""netrca: root-cause analysis for telecom networks.

Topology-aware explanation of alarm storms, with evidence paths an engineer
can check. ``import rca`` stays light: torch is imported only by
:mod:`rca.gnn`.
"""

from __future__ import annotations

import logging

from .alarms import AlarmLog
from .analysis import analyze
from .errors import (
    InputError,
    ModelFileError,
    NotFittedError,
    RCAError,
    SchemaError,
    TopologyError,
    UnknownEntityError,
)
from .incident import Incident, RootCause, Truth, read_incident, read_truth
from .evaluation import Evaluation, score_incident
from .metrics import Metrics
from .result import Candidate, Evidence, EvidenceAlarm, RCAResult
from .topology import Topology
from .validation import ValidationIssue, ValidationReport

__version__ = "0.1.0"

__all__ = [
    "AlarmLog",
    "Candidate",
    "Evaluation",
    "Evidence",
    "EvidenceAlarm",
    "RCAResult",
    "analyze",
    "score_incident",
    "Incident",
    "InputError",
    "Metrics",
    "ModelFileError",
    "NotFittedError",
    "RCAError",
    "RootCause",
    "SchemaError",
    "Topology",
    "TopologyError",
    "Truth",
    "UnknownEntityError",
    "ValidationIssue",
    "ValidationReport",
    "read_incident",
    "read_truth",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
