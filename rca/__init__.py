"""netrca: root-cause analysis for telecom networks.

Topology-aware explanation of alarm storms, with evidence paths an engineer
can check. ``import rca`` stays light: torch is imported only by
:mod:`rca.gnn`.

The core data model (:mod:`rca.errors`, :mod:`rca.validation`,
:mod:`rca.topology`, :mod:`rca.alarms`, :mod:`rca.metrics`,
:mod:`rca.incident`, with their private readers) imports nothing else of
the package; :mod:`rca.datasets`, :mod:`rca.causal`, :mod:`rca.gnn`, the
rankers, the reports and the CLI build on it. Its classes' docstrings are
their contracts.
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
from .segment import Segment, Segmentation, Segmenter, segment  # rca.segment is the function; the module's
                                                                 # names are importable from rca.segment as well
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
    "Segment",
    "Segmentation",
    "Segmenter",
    "segment",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
