"""The ``rca`` command line.

Subcommands live in their own modules and are imported only when they run,
so ``rca --help`` and the alarm-only commands start without importing torch.
"""

from __future__ import annotations

import importlib
import logging

import click

from ..errors import MissingExtraError

__all__ = ["main"]

# command name -> "module:attribute" (a click command or group)
_COMMANDS: dict[str, str] = {
    "analyze": "rca.cli._analyze:analyze",
    "demo": "rca.cli._demo:demo",
    "evaluate": "rca.cli._evaluate:evaluate",
    "simulate": "rca.cli._simulate:simulate",
    "discover": "rca.cli._discover:discover",
    "learn": "rca.cli._learn:learn",
    "congestion": "rca.cli._congestion:congestion",
    "propagate": "rca.cli._propagate:propagate",
    "train": "rca.cli._train:train",
    "report": "rca.cli._report:report",
}

_HELP: dict[str, str] = {
    "analyze": "Rank the root causes of an incident folder, with evidence.",
    "demo": "Simulate an incident on a built-in network, analyse it, write a report.",
    "evaluate": "Score the analysis on a folder of incidents with truth.json.",
    "simulate": "Write simulated incident folders from the network twin.",
    "discover": "Learn an alarm-type causal graph from alarm history.",
    "learn": "Learn alarm causal knowledge from history for rca analyze.",
    "congestion": "Train and evaluate the congestion predictor.",
    "propagate": "Predict which elements a fault will affect.",
    "train": "Retrain the shipped GNN models (their documented recipes).",
    "report": "Segment, analyse and write the HTML report of many incidents or a long log.",
}


class _MissingExtra(click.ClickException):
    """A command needs an optional dependency: its message names the extra to install."""

    exit_code = 2


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use.

    A command that needs a missing extra (:class:`~rca.errors.MissingExtraError`,
    raised or wrapped in a click error) ends with that one line and exit code
    2, not a traceback.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MissingExtraError as exc:
            raise _MissingExtra(str(exc)) from exc
        except click.ClickException as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, MissingExtraError) and not isinstance(exc, _MissingExtra):
                raise _MissingExtra(str(cause)) from cause
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if self._available(name))

    @staticmethod
    def _available(name: str) -> bool:
        module = _COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _COMMANDS or not self._available(name):
            return None
        module, attr = _COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="netrca", prog_name="rca")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """netrca: root-cause analysis for telecom networks."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalSafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


class _TerminalSafeFormatter(logging.Formatter):
    """Log messages quote alarm text and ids: control characters are shown escaped.

    An ANSI escape in an alarm type would otherwise recolour, hide or
    rewrite the operator's terminal; a newline would forge log lines.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        from .._text import terminal_safe

        record.message = terminal_safe(record.message)
        return super().formatMessage(record)
