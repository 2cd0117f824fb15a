"""The explain-the-alarms ranker: a likelihood model over topology footprints, no training data."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .._observe import Observations, observe
from ..incident import Incident
from ..result import Candidate, RCAResult
from ._features import features
from ._footprint import Footprint, predict
from ._hypotheses import Hypothesis, generate_hypotheses
from ._joint import FailureState
from ._learn import WEIGHTS_PATH, load_weights
from ._likelihood import EvidenceModel
from ._prior import is_announced, log_prior
from ._select import Ranked, key_of, marginals, posterior, tie_groups
from ._text import evidence, reason

__all__ = ["ExplainRanker"]

#: Log prior odds that one given hypothesis is the root rather than nothing
#: failed, and against each extra independent root: used only to choose the
#: roots from which the background and reporting rates are re-estimated.
LOG_ROOT = -4.6
LOG_EXTRA_ROOT = -4.6
#: A first answer whose probability (with the candidates tied to it) reaches
#: this is confident: more likely right than wrong.
CONFIDENT_AT = 0.5
# Hypotheses re-scored when choosing further roots.
_SHORTLIST = 60
# Rounds of re-estimating the background and reporting rates from the chosen roots.
_REFITS = 2


class ExplainRanker:
    """Rank root causes by the likelihood of everything observed under each hypothesis.

    Each hypothesis (an element, link, site, card or duct failing, a link
    congested or degraded, a CPU overloaded) predicts which elements go
    silent and are lost by the NMS, who reports which link down, whose
    traffic degrades. It is scored by the log-likelihood ratio of the
    observations against the background alone (:mod:`rca.explain._likelihood`),
    whose rates are estimated from the incident itself (an EM over the
    window: roots chosen, rates re-estimated from what they leave
    unexplained, twice). Its evidence features (:mod:`rca.explain._features`)
    are weighed by weights learned across many randomised networks
    (:mod:`rca.explain._learn`, ``rca train explain``), and the scores become
    probabilities of being a root (:mod:`rca.explain._select`).

    Parameters
    ----------
    hops : int, default 1
        Hypotheses are formed for elements within this many hops of a symptom.
    max_roots : int, default 4
        Most independent roots picked in one incident.
    max_candidates : int, default 20
        Candidates returned.
    weights : str or Path or False, optional
        A weights file from ``rca train explain``; the shipped one by
        default; False scores by the likelihood ratio and the priors alone
        (as the training does before there are weights).

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> incident = make_incident(size="small", random_state=3)
    >>> result = ExplainRanker().rank(incident)
    >>> result.candidates[0].entity == incident.truth.root_causes[0].entity
    True
    """

    def __init__(
        self,
        *,
        hops: int = 1,
        max_roots: int = 4,
        max_candidates: int = 20,
        weights: str | Path | None | bool = None,
    ) -> None:
        self.hops = hops
        self.max_roots = max_roots
        self.max_candidates = max_candidates
        self.weights = weights
        self._theta, self._further_theta, self._further_bias = _weights(weights)

    # ------------------------------------------------------------------ API
    def rank(self, incident: Incident) -> RCAResult:
        """Analyse one incident."""
        start = time.perf_counter()
        obs = observe(incident)
        notes = []
        if obs.unplaced:
            notes.append(
                f"{obs.unplaced} alarm(s) from devices not in the topology could not be placed"
            )
        if not obs.items:
            return RCAResult(
                incident.name,
                (),
                time.perf_counter() - start,
                "explain",
                len(incident.alarms),
                tuple(notes + ["no symptoms: nothing to explain"]),
                confident=False,
            )
        model, pool = self._prepare(obs)
        stages, roots = self._stages(pool, obs, model)
        ranked = _rank(stages, roots)
        candidates, ties = self._candidates(ranked, obs, model)
        top_group = next((g for g in ties if g[0] == 0), [0])
        confident = bool(candidates) and sum(candidates[k].score for k in top_group) >= CONFIDENT_AT
        return RCAResult(
            incident.name,
            tuple(candidates),
            time.perf_counter() - start,
            "explain",
            len(incident.alarms),
            tuple(notes),
            confident=confident,
            ties=tuple(tuple(k + 1 for k in g) for g in ties),
        )

    def _prepare(self, obs: Observations) -> tuple[EvidenceModel, list[Footprint]]:
        """The evidence model and every hypothesis scored, after re-estimating the rates from the roots."""
        model = EvidenceModel(obs)
        pool = _best_per_fault(
            [
                fp
                for h in generate_hypotheses(obs, hops=self.hops)
                if (fp := predict(h, obs, frozenset(), model.weight)).explained
            ]
        )
        for _ in range(_REFITS):
            self._score(pool, model, obs, learned=False)
            roots = self._stages(pool, obs, model, learned=False)[1]
            model.refit(frozenset().union(*(r.explained for r in roots)), roots)
        self._score(pool, model, obs)
        return model, pool

    # -------------------------------------------------------------- scoring
    def _score(
        self,
        fps: list[Footprint],
        model: EvidenceModel,
        obs: Observations,
        *,
        learned: bool = True,
        further: bool = False,
    ) -> None:
        """Set each footprint's likelihood ratio, features and score.

        ``learned`` False scores by the likelihood ratio and the priors
        alone, as the rate estimation does; else by the learned weights, those
        of a further root (against no further root) when ``further``.
        """
        for fp in fps:
            fp.llr = model.llr(fp)
            fp.x = features(fp, obs, model)
            if learned and self._theta is not None:
                fp.log_score = float(fp.x @ (self._further_theta if further else self._theta))
            else:
                announced = is_announced(fp.hyp.fault, (obs.items[i].role for i in fp.explained))
                fp.log_score = (
                    fp.llr + log_prior(fp.hyp, obs.topology, announced=announced) + LOG_ROOT
                )

    def _stages(
        self,
        pool: list[Footprint],
        obs: Observations,
        model: EvidenceModel,
        *,
        learned: bool = True,
    ):
        """Choose roots one at a time; each stage's hypotheses, probabilities and choice."""
        order = sorted(pool, key=lambda fp: (-fp.log_score, fp.hyp.entity, fp.hyp.fault))
        if not order:
            return [], []
        if learned and self._theta is not None:
            probs, _ = posterior([fp.log_score for fp in order], float("-inf"), 1.0)
            extra = self._further_bias
        else:
            probs, _ = posterior([fp.log_score for fp in order], 0.0, 1.0)
            extra = LOG_EXTRA_ROOT
        first = order[0]
        stages: list[tuple[list[Footprint], list[float], Footprint | None]] = [
            (order, probs, first)
        ]
        roots = [first]
        while len(roots) < self.max_roots:
            scored = [
                fp
                for fp in self._further(order, roots, obs, model, learned=learned)
                if fp.explained
            ]
            if not scored:
                break
            probs, p_none = posterior([fp.log_score + extra for fp in scored], 0.0, 1.0)
            k = max(range(len(scored)), key=lambda j: (probs[j], -j))
            if probs[k] <= p_none:
                stages.append((scored, probs, None))
                break
            stages.append((scored, probs, scored[k]))
            roots.append(scored[k])
        return stages, roots

    def _further(
        self,
        pool: list[Footprint],
        roots: list[Footprint],
        obs: Observations,
        model: EvidenceModel,
        *,
        learned: bool = True,
    ) -> list[Footprint]:
        """The best-scored hypotheses re-scored on what ``roots`` leave unexplained.

        Each is scored alone and on top of the roots' failures (two faults can
        cut off together what neither cuts off alone), the better of the two;
        alone as well, because an earlier root may be wrong: its failures
        would then charge the hypothesis for silences nobody should expect.
        """
        used = frozenset().union(*(r.explained for r in roots))
        state = FailureState(roots, obs.topology)
        shortlist = sorted(
            (fp for fp in pool if not _overlaps(fp.hyp, roots)),
            key=lambda fp: (-fp.log_score, fp.hyp.entity, fp.hyp.fault),
        )[:_SHORTLIST]
        out = []
        for fp in shortlist:
            given = state.given(fp.hyp)
            tried = []
            for hyp in (fp.hyp,) if given is fp.hyp else (fp.hyp, given):
                new = predict(hyp, obs, used, model.weight)
                self._score([new], model, obs, learned=learned, further=True)
                tried.append(new)
            out.append(max(tried, key=lambda f: f.log_score))
        return out

    # ------------------------------------------------------------ candidates
    def _candidates(
        self, ranked: list[Ranked], obs: Observations, model: EvidenceModel
    ) -> tuple[list[Candidate], list[list[int]]]:
        ranked = ranked[: self.max_candidates]
        ties = tie_groups(ranked)
        tied_with = {k: [ranked[j].fp.hyp.entity for j in g if j != k] for g in ties for k in g}
        out = []
        for k, r in enumerate(ranked):
            fp = r.fp
            gains = {i: model.gain(i, f) for i, f in fp.explained.items()}
            text = reason(fp, obs)
            if k in tied_with:
                text += (
                    f"; explains exactly what {', '.join(tied_with[k])} explains: nothing observed tells "
                    "them apart"
                )
            out.append(
                Candidate(
                    rank=k + 1,
                    entity=fp.hyp.entity,
                    kind=fp.hyp.kind,
                    score=min(1.0, max(0.0, r.probability)),
                    fault=fp.hyp.fault,
                    reason=text,
                    evidence=tuple(evidence(fp, obs, gains)),
                    explained=len(fp.explained),
                    contradicted=len(fp.contradictions),
                    scores={"explain": r.probability, "log_likelihood_ratio": fp.llr},
                )
            )
        return out, ties


_CACHE: dict[str, tuple] = {}


def _weights(path: str | Path | None | bool) -> tuple[np.ndarray | None, np.ndarray | None, float]:
    """The learned weights of a first and of a further root, and the further root's bias.

    None (and the default log odds) when no weights are wanted or shipped yet.
    """
    if path is False:
        return None, None, LOG_EXTRA_ROOT
    target = Path(path) if isinstance(path, (str, Path)) else WEIGHTS_PATH
    if path is None and not target.exists():
        return None, None, LOG_EXTRA_ROOT
    key = str(target)
    if key not in _CACHE:
        _CACHE[key] = load_weights(target)
    return _CACHE[key]


def _best_per_fault(fps: list[Footprint]) -> list[Footprint]:
    """One footprint per (entity, kind, fault): the one that explains the most."""
    best: dict[tuple, Footprint] = {}
    for fp in fps:
        key = key_of(fp)
        if key not in best or len(fp.explained) > len(best[key].explained):
            best[key] = fp
    return list(best.values())


def _rank(stages, roots: list[Footprint]) -> list[Ranked]:
    """Candidates by their probability of being a root, one per (entity, kind) with its likeliest fault."""
    if not stages:
        return []
    marg = marginals(stages)
    chosen = {key_of(r): r for r in roots}
    by_entity: dict[tuple[str, str], list[Footprint]] = {}
    for fp in stages[0][0]:
        by_entity.setdefault((fp.hyp.entity, fp.hyp.kind), []).append(chosen.get(key_of(fp), fp))
    out = []
    for fps in by_entity.values():
        best = max(fps, key=lambda fp: (marg.get(key_of(fp), 0.0), fp.log_score))
        total = min(1.0, sum(marg.get(key_of(fp), 0.0) for fp in fps))
        out.append(Ranked(best, total))
    out.sort(key=lambda r: (-r.probability, -r.fp.log_score, r.fp.hyp.entity, r.fp.hyp.kind))
    return out


def _overlaps(h: Hypothesis, roots: list[Footprint]) -> bool:
    for r in roots:
        if h.entity == r.hyp.entity:
            return True
        if r.hyp.kind == "site" and h.kind == "node" and h.entity in r.hyp.members:
            return True
        if h.kind == "site" and r.hyp.kind == "node" and r.hyp.entity in h.members:
            return True
    return False
