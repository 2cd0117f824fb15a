"""Which seeds a benchmark's corpora come from, and whether their figures are development or fresh.

A figure is only as honest as its incidents are unseen. Every benchmark
declares its seeds in a :class:`Seeds` registry, prints each table under the
role of the seeds it pools, and writes the roles to its JSON:

``dev``
    Used while developing: the ranker, the fusion or a tie-break was
    designed, tuned or debugged looking at these incidents (their misses
    studied, some pinned in tests). Their figures are in-sample.
``seen``
    Run and reported before, not known to have been studied. Held out, but
    no longer fresh: a later change may have been judged on them.
``fresh``
    Never run before the record that reports them. Run once to record; a
    seed whose misses are then studied moves to ``dev`` (and one that is
    only run again, to ``seen``), and new fresh seeds are drawn.

A seed not in the registry is ``unregistered``: say in the registry what it
was used for before reporting its figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ROLES = ("dev", "seen", "fresh")


@dataclass(frozen=True)
class Seeds:
    """A benchmark's seeds by role, each dev or seen seed with what it was used for."""

    dev: dict[int, str] = field(default_factory=dict)
    seen: dict[int, str] = field(default_factory=dict)
    fresh: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        both = (set(self.dev) & set(self.seen)) | (
            (set(self.dev) | set(self.seen)) & set(self.fresh)
        )
        if both:
            raise ValueError(f"seeds with two roles: {sorted(both)}")

    def role(self, seed: int) -> str:
        if seed in self.dev:
            return "dev"
        if seed in self.seen:
            return "seen"
        if seed in self.fresh:
            return "fresh"
        return "unregistered"

    def default(self) -> list[int]:
        """The seeds a plain run uses: the development seeds (for comparison) and the fresh ones."""
        return list(self.dev) + list(self.fresh)

    def by_role(self, seeds: Iterable[int]) -> dict[str, list[int]]:
        """``seeds`` grouped by role, in the order dev, seen, fresh, unregistered."""
        out: dict[str, list[int]] = {}
        for seed in seeds:
            out.setdefault(self.role(seed), []).append(seed)
        order = [*ROLES, "unregistered"]
        return {r: out[r] for r in order if r in out}

    def label(self, role: str, seeds: Iterable[int]) -> str:
        """A table heading: the role and the seeds, e.g. ``fresh seeds 2026120811, 2026120812``."""
        seeds = list(seeds)
        what = {
            "dev": "development",
            "seen": "seen before, held out",
            "fresh": "fresh, never run before",
            "unregistered": "UNREGISTERED: not declared dev, seen or fresh",
        }[role]
        return f"{role} seed{'s' if len(seeds) != 1 else ''} {', '.join(map(str, seeds))} ({what})"

    def to_dict(self, seeds: Iterable[int]) -> dict[str, list[int]]:
        """The roles of ``seeds``, for the results JSON."""
        return self.by_role(seeds)

    def describe(self) -> str:
        """The registry as text (for a docstring or ``--help``)."""
        lines = [f"dev {s}: {why}" for s, why in self.dev.items()]
        lines += [f"seen {s}: {why}" for s, why in self.seen.items()]
        if self.fresh:
            lines.append(f"fresh: {', '.join(map(str, self.fresh))}")
        return "\n".join(lines)
