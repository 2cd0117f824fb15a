"""The ``--prior`` option of ``rca discover`` and ``rca learn``: known alarm edges and non-edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .._text import plural

if TYPE_CHECKING:
    from rca.causal import AlarmHistory

__all__ = ["prior_option", "prior_params"]

prior_option = click.option(
    "--prior",
    "prior_path",
    metavar="FILE|none",
    help="Known edges and non-edges: a CSV (cause,effect,edge with edge 1 or 0) or a PCIC .npy matrix "
    "(1 edge, 0 non-edge, -1 unknown). Default: a PCIC folder's causal_prior.npy when it has one; "
    "'none' ignores it. Taken by thp and mshawkes (pc, fci, ges: non-edges only).",
)


def prior_params(method: str, prior_path: str | None, history: AlarmHistory) -> dict[str, list]:
    """``forbidden`` / ``required`` for the method, from ``--prior`` or the PCIC folder's own prior."""
    from rca.causal import prior_pairs, read_prior
    from rca.causal._methods import make_method
    from rca.errors import InputError

    if prior_path is not None and prior_path.lower() == "none":
        return {}
    if prior_path is not None:
        forbidden, required = read_prior(
            prior_path, labels=history.types if prior_path.lower().endswith(".npy") else None
        )
        source = prior_path
    elif history.prior is not None:
        forbidden, required = prior_pairs(history.prior)
        source = "the folder's causal_prior.npy"
    else:
        return {}
    takes = make_method(method).get_params()
    params: dict[str, list] = {}
    for name, pairs in (("forbidden", forbidden), ("required", required)):
        if not pairs:
            continue
        if name not in takes:
            if prior_path is not None:
                raise InputError(
                    f"method {method!r} takes no {name} edges; the prior {prior_path} has {len(pairs)}"
                )
            click.echo(
                f"note: {method} takes no {name} edges; {len(pairs)} in {source} not used", err=True
            )
            continue
        params[name] = pairs
    click.echo(
        f"prior from {source}: {plural(len(forbidden), 'known non-edge')}, "
        f"{plural(len(required), 'known edge')}",
        err=True,
    )
    return params
