"""Simulated alarm events with a planted causal structure (for tests and examples)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rca.errors import InputError

__all__ = ["simulate_hawkes_events"]


def simulate_hawkes_events(
    *,
    n_types: int = 5,
    n_devices: int = 10,
    edges: list[tuple[str, str]] | None = None,
    span: float = 200_000.0,
    base_rate: float = 2e-4,
    excitation: float = 0.6,
    decay: float = 0.1,
    random_state: int | np.random.Generator | None = None,
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Alarm events from a topological Hawkes (branching) process on a ring of devices.

    Every root event of type ``a`` (a Poisson process of rate ``base_rate``
    per device and type) triggers, for each child ``b`` of ``a``, a Poisson
    number (mean ``excitation``) of type-``b`` events on the same device after
    an exponential delay of mean ``1 / decay``; triggered events trigger in
    turn. Types are named ``A0``, ``A1``, ... and devices ``d0``, ``d1``, ...

    Parameters
    ----------
    n_types, n_devices : int
    edges : list of (cause, effect), optional
        The planted graph; default a chain ``A0 -> A1 -> ...`` plus ``A0 -> A2``.
    span, base_rate, excitation, decay : float
    random_state : int or numpy.random.Generator, optional

    Returns
    -------
    frame : pandas.DataFrame
        ``time, device, alarm_type`` sorted by time.
    edges : list of (str, str)
        The planted edges.

    Examples
    --------
    >>> frame, truth = simulate_hawkes_events(n_types=3, random_state=0)
    >>> truth
    [('A0', 'A1'), ('A0', 'A2'), ('A1', 'A2')]
    >>> list(frame.columns)
    ['time', 'device', 'alarm_type']
    """
    if n_types < 2:
        raise InputError(f"n_types must be at least 2, found {n_types}")
    if excitation >= 1.0:
        raise InputError(f"excitation must be below 1 (a stable process), found {excitation}")
    rng = np.random.default_rng(random_state)
    names = [f"A{i}" for i in range(n_types)]
    if edges is None:
        edges = sorted(
            {(names[i], names[i + 1]) for i in range(n_types - 1)}
            | {(names[0], names[2 % n_types])}
        )
        edges = [e for e in edges if e[0] != e[1]]
    index = {n: i for i, n in enumerate(names)}
    children: list[list[int]] = [[] for _ in names]
    for c, e in edges:
        if c not in index or e not in index:
            raise InputError(f"edge {c} -> {e} names an unknown type; types are {names}")
        children[index[c]].append(index[e])
    times, types, devs = [], [], []
    n_root = rng.poisson(base_rate * span, size=(n_devices, n_types))
    for d in range(n_devices):
        for t in range(n_types):
            k = int(n_root[d, t])
            times.append(rng.uniform(0, span, k))
            types.append(np.full(k, t))
            devs.append(np.full(k, d))
    gen_t, gen_a, gen_d = np.concatenate(times), np.concatenate(types), np.concatenate(devs)
    all_t, all_a, all_d = [gen_t], [gen_a], [gen_d]
    while gen_t.size:
        new_t, new_a, new_d = [], [], []
        for a in range(n_types):
            sel = gen_a == a
            for b in children[a]:
                n_children = rng.poisson(excitation, size=int(sel.sum()))
                parent_t = np.repeat(gen_t[sel], n_children)
                new_t.append(parent_t + rng.exponential(1.0 / decay, size=parent_t.size))
                new_a.append(np.full(parent_t.size, b))
                new_d.append(np.repeat(gen_d[sel], n_children))
        gen_t = np.concatenate(new_t) if new_t else np.zeros(0)
        gen_a = np.concatenate(new_a).astype(int) if new_a else np.zeros(0, int)
        gen_d = np.concatenate(new_d).astype(int) if new_d else np.zeros(0, int)
        keep = gen_t < span
        gen_t, gen_a, gen_d = gen_t[keep], gen_a[keep], gen_d[keep]
        all_t.append(gen_t)
        all_a.append(gen_a)
        all_d.append(gen_d)
    at, aa, ad = np.concatenate(all_t), np.concatenate(all_a), np.concatenate(all_d)
    order = np.argsort(at, kind="stable")
    frame = pd.DataFrame(
        {
            "time": np.round(at[order], 3),
            "device": np.asarray([f"d{i}" for i in range(n_devices)], dtype=object)[ad[order]],
            "alarm_type": np.asarray(names, dtype=object)[aa[order]],
        }
    )
    return frame, sorted(edges)
