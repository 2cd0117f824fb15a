"""The explain-the-alarms ranker: no training data, only the topology and a likelihood.

Modules, in the order an incident flows through them:

- :mod:`._hypotheses`: the faults worth considering near the symptoms;
- :mod:`._outage`, :mod:`._load`: what each kind of fault predicts (its footprint);
- :mod:`._timing`: when a symptom can follow a fault, and the best fault time;
- :mod:`._footprint`: one hypothesis matched against the observations;
- :mod:`._likelihood`: the evidence for it against the background alone,
  with rates estimated from the incident;
- :mod:`._prior`: prior odds of each kind of fault;
- :mod:`._joint`: faults that cut elements off only together;
- :mod:`._select`: roots, their probabilities, and ties;
- :mod:`._text`: the reason and the evidence paths.
"""

from ._ranker import ExplainRanker

__all__ = ["ExplainRanker"]
