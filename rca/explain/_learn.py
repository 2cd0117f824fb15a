"""Learning the explain ranker's weights across many randomised networks.

The ranker scores a hypothesis by a weighted sum of its evidence features
(:mod:`._features`). The weights are fitted here, by maximum likelihood of
a *conditional logit*: within each incident, the softmax of the scores over
its hypotheses is the probability that each is the root, and the fit
maximises the probability given to the true roots (summed over the faults
of a true root's entity, since scoring is by entity). Because it is a
proper likelihood, the probabilities come out calibrated on data like the
training data; an L2 penalty keeps the weights small where the data say
little.

Further roots are chosen against *no further root*, by weights of their
own (``further_weights`` and a bias): after a first root, a hypothesis is
scored on what that root leaves unexplained, whose shares and counts live
on another scale, and the question is another (a second fault, or the
background). They are fitted by the same likelihood on the second stage of
each training incident, after its best-explaining true root has been taken
(softmax over *no further root*, scored 0, and the re-scored hypotheses).

The training corpus (:func:`training_incidents`) mixes the two development
families, the network twin (:mod:`rca.datasets`) and the independently
written :mod:`rca.datasets.othersim`, over small to large networks, one to
three roots, every fault type, noise from a third to three times the
default, and every vendor vocabulary each knows, from seeds kept apart from
every benchmark's. No test family takes part.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._observe import observe
from ..errors import ModelFileError
from ..incident import Incident, read_incident
from ._features import FEATURES

__all__ = [
    "Sample",
    "training_incidents",
    "extract",
    "fit_weights",
    "save_weights",
    "load_weights",
    "train_explain",
    "RECIPE",
    "WEIGHTS_PATH",
]

logger = logging.getLogger(__name__)

#: The shipped weights.
WEIGHTS_PATH = Path(__file__).with_name("weights.json")
# Training incidents draw their seeds from this range, apart from every benchmark's.
_SEED_BASE = 7_000_000_000


@dataclass
class Sample:
    """One training incident: its hypotheses' features, which are true roots, and its second stage."""

    name: str
    X: np.ndarray  # (hypotheses, features)
    y: np.ndarray  # (hypotheses,) bool: a true root's entity and kind
    X2: np.ndarray  # second stage: residual features of the other hypotheses
    y2: np.ndarray  # which of those are true roots too (none: no further root)


def training_incidents(n: int = 480, *, random_state: int = 0) -> Iterator[Incident]:
    """The randomised training corpus: ``n`` incidents, half twin, half othersim.

    Sizes cycle small, medium, small, medium, large; a quarter of the twin
    incidents have two or three roots; twin noise is drawn log-uniformly
    between a third and three times the default.
    """
    from ..datasets import make_incident, othersim

    rng = np.random.default_rng(random_state)
    sizes = ("small", "medium", "small", "medium", "large")
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(n):
            size = sizes[(k // 2) % len(sizes)]
            seed = _SEED_BASE + random_state * 1_000_000 + k
            if k % 2 == 0:
                n_roots = int(rng.choice([1, 1, 1, 1, 1, 1, 2, 3]))
                noise = float(np.exp(rng.uniform(np.log(1 / 3), np.log(3))))
                yield make_incident(
                    size=size,
                    n_roots=n_roots,
                    noise=noise,
                    random_state=seed,
                    name=f"twin-{size}-{seed}",
                )
            else:
                fault = othersim.FAULT_TYPES[(k // 2) % len(othersim.FAULT_TYPES)]
                sim = othersim.make_incident(size, random_state=seed, fault=fault)
                folder = othersim.write_incident(sim, Path(tmp) / f"othersim-{size}-{seed}")
                quiet = logging.getLogger("rca")
                level = quiet.level
                quiet.setLevel(
                    logging.ERROR
                )  # its deliberate export defects, reported on every read
                try:
                    yield read_incident(folder)
                finally:
                    quiet.setLevel(level)


def extract(incidents: Iterable[Incident], *, ranker=None) -> list[Sample]:
    """Features of every incident's hypotheses, with the truth, for :func:`fit_weights`."""
    from ._ranker import ExplainRanker

    ranker = ranker or ExplainRanker(weights=False)
    out = []
    for inc in incidents:
        if inc.truth is None or not inc.truth.root_causes:
            continue
        obs = observe(inc)
        if not obs.items:
            continue
        model, pool = ranker._prepare(obs)
        if not pool:
            continue
        truth = {(r.entity, r.kind) for r in inc.truth.root_causes}
        X = np.array([fp.x for fp in pool])
        y = np.array([(fp.hyp.entity, fp.hyp.kind) in truth for fp in pool])
        X2, y2 = np.zeros((0, len(FEATURES))), np.zeros(0, dtype=bool)
        if y.any():
            # the second stage, after the true root that explains the most
            first = max(
                (fp for fp, hit in zip(pool, y) if hit),
                key=lambda fp: (len(fp.explained), fp.hyp.entity),
            )
            # only hypotheses that explain something the first root leaves: a
            # true root whose symptoms the first one already explains (the
            # other links of one duct cut) is no further root to find
            rest = [fp for fp in ranker._further(pool, [first], obs, model) if fp.explained]
            if rest:
                X2 = np.array([fp.x for fp in rest])
                y2 = np.array([(fp.hyp.entity, fp.hyp.kind) in truth for fp in rest])
        out.append(Sample(inc.name, X, y, X2, y2))
    return out


def _stage1_loss(theta: np.ndarray, samples: list[Sample], l2: float) -> tuple[float, np.ndarray]:
    f, g = 0.0, np.zeros_like(theta)
    for s in samples:
        if not s.y.any():
            continue
        z = s.X @ theta
        p = np.exp(z - z.max())
        p /= p.sum()
        py = max(float(p[s.y].sum()), 1e-300)
        f -= np.log(py)
        g -= (p[s.y] @ s.X[s.y]) / py - p @ s.X
    return f + l2 * float(theta @ theta), g + 2.0 * l2 * theta


def _stage2_loss(params: np.ndarray, samples: list[Sample], l2: float) -> tuple[float, np.ndarray]:
    theta, b = params[:-1], params[-1]
    f, g = 0.0, np.zeros_like(params)
    for s in samples:
        if not len(s.X2):
            continue
        z = np.r_[0.0, s.X2 @ theta + b]  # position 0: no further root
        p = np.exp(z - z.max())
        p /= p.sum()
        target = np.r_[not s.y2.any(), s.y2]
        pt = max(float(p[target].sum()), 1e-300)
        f -= np.log(pt)
        dz = p - np.where(target, p, 0.0) / pt  # d(-log p_target)/dz
        g[:-1] += dz[1:] @ s.X2
        g[-1] += dz[1:].sum()
    reg = np.r_[theta, 0.0]
    return f + l2 * float(reg @ reg), g + 2.0 * l2 * reg


def fit_weights(samples: list[Sample], *, l2: float = 0.01) -> dict:
    """Fit the feature weights and the log odds of a further root.

    Returns
    -------
    dict
        ``{"features": [...], "weights": [...], "further_weights": [...], "further_bias": float,
        "n_incidents": int, "train_log_loss": float}``.
    """
    from scipy.optimize import minimize

    usable = [s for s in samples if s.y.any()]
    if not usable:
        raise ValueError("no training incident has its true root among the hypotheses")
    theta0 = np.zeros(len(FEATURES))
    # solved to convergence and rounded, so that a retraining gives the same file: the
    # features sum floats in an order that may differ between processes, which moves an
    # optimiser stopped at its default tolerance by up to 1e-3
    options = {"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10_000}
    res = minimize(
        _stage1_loss, theta0, args=(usable, l2), jac=True, method="L-BFGS-B", options=options
    )
    further = minimize(
        _stage2_loss,
        np.zeros(len(FEATURES) + 1),
        args=(samples, l2),
        jac=True,
        method="L-BFGS-B",
        options=options,
    )
    return {
        "features": list(FEATURES),
        "weights": [_rounded(w) for w in res.x],
        "further_weights": [_rounded(w) for w in further.x[:-1]],
        "further_bias": _rounded(further.x[-1]),
        "n_incidents": len(usable),
        "train_log_loss": _rounded(float(res.fun) / len(usable)),
    }


def _rounded(w: float) -> float:
    """A fitted weight to 4 decimals (a thousandth of a nat is far below what ranks)."""
    return round(float(w), 4)


def save_weights(weights: dict, path: str | Path, **meta: object) -> Path:
    """Write ``weights`` (from :func:`fit_weights`) and ``meta`` as JSON."""
    path = Path(path)
    path.write_text(json.dumps({**weights, **meta}, indent=1) + "\n")
    return path


def load_weights(path: str | Path = WEIGHTS_PATH) -> tuple[np.ndarray, np.ndarray, float]:
    """The feature weights of a first and of a further root (in :data:`FEATURES` order), and the further root's bias.

    Raises
    ------
    ModelFileError
        The file is not a weights file for these features.
    """
    try:
        data = json.loads(Path(path).read_text())
        names, values = data["features"], data["weights"]
        further, bias = data["further_weights"], float(data["further_bias"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelFileError(f"{path}: not an explain-ranker weights file ({exc})") from exc
    if (
        list(names) != list(FEATURES)
        or len(values) != len(FEATURES)
        or len(further) != len(FEATURES)
    ):
        raise ModelFileError(
            f"{path}: weights for features {names!r}; this version uses {list(FEATURES)!r}"
        )
    w, w2 = np.asarray(values, dtype=np.float64), np.asarray(further, dtype=np.float64)
    if not (np.isfinite(w).all() and np.isfinite(w2).all() and np.isfinite(bias)):
        raise ModelFileError(f"{path}: non-finite weights")
    return w, w2, bias


#: The recipe of the shipped weights: corpus size, seed and penalty.
RECIPE: dict[str, Any] = {"n_incidents": 480, "random_state": 0, "l2": 0.01}


def train_explain(
    out: str | Path = WEIGHTS_PATH,
    *,
    n: int = RECIPE["n_incidents"],
    random_state: int = RECIPE["random_state"],
    l2: float = RECIPE["l2"],
    progress: bool = False,
) -> dict:
    """Simulate the training corpus, fit the weights and write them to ``out``.

    The rates are estimated per incident whatever the weights, so the fit
    needs one pass over the corpus.
    """
    import time

    from ._ranker import ExplainRanker

    start = time.perf_counter()
    incidents = training_incidents(n, random_state=random_state)
    if progress:
        from tqdm import tqdm

        incidents = tqdm(incidents, total=n, desc="explain corpus", unit="incident")
    samples = extract(incidents, ranker=ExplainRanker(weights=False))
    weights = fit_weights(samples, l2=l2)
    seconds = time.perf_counter() - start
    save_weights(
        weights,
        out,
        recipe={"n_incidents": n, "random_state": random_state, "l2": l2},
        command="rca train explain",
    )
    return {**weights, "seconds": seconds}
