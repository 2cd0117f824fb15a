"""From scored hypotheses to roots and their probabilities.

The posterior over single roots weighs every hypothesis against *nothing
failed* (the background alone). Further roots are chosen one at a time, as
long as one explains what the earlier roots leave unexplained better than
*no further root* does; each is scored on its own and on top of the earlier
roots' failures (:mod:`._joint`). A hypothesis's probability of being a
root adds its chance of being the first root and, for each further root
chosen, its chance of being that one given the ones before it.

Log-likelihood ratios add up evidence as if observations were independent;
they are not (the elements behind one cut are lost together), so the
ranker does not use them as log odds directly: its scores are the learned
weighting of the evidence features (:mod:`._learn`), fitted as a
conditional logit so that their softmax is a probability. ``posterior``
takes a temperature for the unweighted scores (the rate estimation uses 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._footprint import Footprint

__all__ = ["Ranked", "key_of", "posterior", "marginals", "tie_groups"]


@dataclass(eq=False)
class Ranked:
    """A hypothesis with its probability of being a root."""

    fp: Footprint
    probability: float


def posterior(
    log_scores: list[float], log_none: float, temperature: float
) -> tuple[list[float], float]:
    """Tempered softmax of ``log_scores`` against an alternative scored ``log_none``.

    Returns the probability of each, and of the alternative.

    Examples
    --------
    >>> p, none = posterior([2.0, 0.0], 0.0, 1.0)
    >>> [round(x, 3) for x in p], round(none, 3)
    ([0.787, 0.107], 0.107)
    """
    if not log_scores:
        return [], 1.0
    top = max(max(log_scores), log_none) / temperature
    weights = [math.exp(s / temperature - top) for s in log_scores]
    w_none = math.exp(log_none / temperature - top)
    z = sum(weights) + w_none
    return [w / z for w in weights], w_none / z


def key_of(fp: Footprint) -> tuple[str, str, str]:
    """``(entity, kind, fault)``: one hypothesis, whatever the context it was scored in."""
    return (fp.hyp.entity, fp.hyp.kind, fp.hyp.fault)


def marginals(
    stages: list[tuple[list[Footprint], list[float], Footprint | None]],
) -> dict[tuple, float]:
    """Each hypothesis's chance of being a root, from the stages of root selection.

    ``stages[k]`` holds the hypotheses scored at stage ``k`` (the first root,
    then each further one), their probabilities there, and the root chosen
    (None if none). A stage counts with the chance that every earlier chosen
    root was right. Hypotheses are keyed by :func:`key_of`.
    """
    out: dict[tuple, float] = {}
    reach = 1.0
    for fps, probs, chosen in stages:
        for fp, p in zip(fps, probs):
            key = key_of(fp)
            out[key] = out.get(key, 0.0) + reach * p
        if chosen is None:
            break
        reach *= probs[fps.index(chosen)]
    return out


def tie_groups(ranked: list[Ranked]) -> list[list[int]]:
    """Positions (0-based) of candidates that nothing observed tells apart.

    Two candidates are tied when they explain exactly the same observations
    with the same likelihood: only their priors differ (a dead leaf and its
    only link, a one-element site and its element, the links of one duct cut).
    """
    groups: dict[tuple, list[int]] = {}
    for k, r in enumerate(ranked):
        if not r.fp.explained:
            continue
        key = (frozenset(r.fp.explained), round(r.fp.llr, 6))
        groups.setdefault(key, []).append(k)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
