"""Mutation testing: how many small deliberate bugs the tests catch, per module.

A *mutant* is the code with one small change (``<`` for ``<=``, ``+ 1`` for
``+ 2``, a string, an argument or a constant replaced...), made by mutmut
(https://pypi.org/project/mutmut/, in the ``test`` extra). A mutant is
*killed* when at least one test fails on it, and *survives* when every test
passes: a bug of that shape would go unnoticed. The kill rate of a module is
what share of its mutants the tests notice; a survivor is either a missing
test or a change that does not alter behaviour (an equivalent mutant),
listed with its reason in ``benchmarks/README.md``.

The modules are those where a silent bug costs most: scoring, fusion, the
explain ranker's likelihood, the readers and the HTML report. Each group is
mutated against only the test files that cover it (:data:`GROUPS`), in a
scratch copy of the checkout (``--workdir``, default a temporary folder), so
one group runs at a time and the checkout is never touched. mutmut itself
runs, for each mutant, only the tests that call the mutated function.

A group too large to run whole in the time at hand can be sampled
(``--sample N --seed S``): N of its mutants drawn at random, tested and
counted; the table then says so, and the rate is an estimate (its binomial
standard error is about 1.7 points at N = 400 and a rate near 87 %).

Writes ``benchmarks/results/mutation.json``: per mutated file the number of
mutants, how many were killed, timed out (counted as caught: the change made
a test hang), survived, had no test calling them, or were otherwise not
decided; and the diff of every survivor.

Usage::

    python benchmarks/mutation.py --list                   # the groups and their tests
    python benchmarks/mutation.py --group evaluation       # one group (minutes)
    python benchmarks/mutation.py                          # every group (about an hour on 2 cores)
    python benchmarks/mutation.py --group fusion --survivors   # print each survivor's diff
    python benchmarks/mutation.py --group report --sample 400  # 400 mutants drawn at random (an estimate)

The same settings, all groups at once, are ``[tool.mutmut]`` in
``pyproject.toml``, so ``mutmut run`` at the repository root also works
(slower: every test file is tried for every group).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _provenance import git_commit

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "mutation.json"

#: Each group: the files to mutate, the test files run against them, and
#: other files those tests read (``also``).
GROUPS: dict[str, dict[str, list[str]]] = {
    "evaluation": {
        "mutate": ["rca/evaluation.py"],
        "tests": ["tests/test_evaluation.py", "tests/cli/test_evaluate.py"],
    },
    "fusion": {
        "mutate": ["rca/fusion.py"],
        "tests": ["tests/test_fusion.py", "tests/test_fusion_by_hand.py"],
        "also": [
            "benchmarks/results"
        ],  # fit_fusion.json: the fitted ratios the defaults must match
    },
    "likelihood": {
        "mutate": [
            "rca/explain/_likelihood.py",
            "rca/explain/_select.py",
            "rca/explain/_features.py",
        ],
        "tests": ["tests/test_explain.py", "tests/test_explain_likelihood.py"],
    },
    "readers": {
        "mutate": ["rca/alarms.py", "rca/_csv.py", "rca/_time.py"],
        "tests": ["tests/test_readers.py", "tests/test_time.py", "tests/test_inputs_users_have.py"],
    },
    "report": {
        "mutate": [
            "rca/report.py",
            "rca/_report/_escape.py",
            "rca/_report/_layout.py",
            "rca/_report/_timeline.py",
            "rca/_report/_topology.py",
        ],
        "tests": [
            "tests/test_report.py",
            "tests/test_report_tables.py",
            "tests/test_report_figures.py",
        ],
    },
}

#: Survivors that cannot change behaviour (equivalent mutants), by file and the changed
#: line before and after (stripped), with the reason. A survivor listed here is
#: counted as explained in the table; any other survivor is a missing test.
EQUIVALENT: dict[tuple[str, str, str], str] = {}


def _equivalent(path: str, *pairs: tuple[str, str], reason: str) -> None:
    for before, after in pairs:
        EQUIVALENT[(path, before.strip(), after.strip())] = reason


_NUMPY_FLOAT = (
    "np.asarray of Python floats or bools is float64 or bool already, and the next step "
    "(np.asarray(..., dtype=float), a mean) treats both alike"
)
_RESHAPE = "numpy reads any negative size in reshape as 'the rest' (-2 as -1)"
_RECORDS = "pandas reads the orient of to_dict case-insensitively"
for _line in (
    "conf = np.asarray(confidences, dtype=float).reshape(-1)",
    "hit = np.asarray(hits, dtype=float).reshape(-1)",
):
    _equivalent(
        "rca/evaluation.py", (_line, _line.replace("reshape(-1)", "reshape(-2)")), reason=_RESHAPE
    )
_equivalent(
    "rca/evaluation.py",
    (
        "hit = np.asarray(hits, dtype=float).reshape(-1)",
        "hit = np.asarray(hits, dtype=None).reshape(-1)",
    ),
    ("hit = np.asarray(hits, dtype=float).reshape(-1)", "hit = np.asarray(hits, ).reshape(-1)"),
    reason="hits are booleans or 0/1: a bool or int array gives the same means as a float one",
)
_equivalent(
    "rca/evaluation.py",
    (
        "idx = np.minimum(np.floor(conf * n_bins).astype(int), n_bins - 1)",
        "idx = np.minimum(np.floor(conf * n_bins).astype(None), n_bins - 1)",
    ),
    reason="a float bin index compares equal to the int one (idx == b)",
)
_equivalent(
    "rca/evaluation.py",
    (
        'return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_score", "accuracy"])',
        "return pd.DataFrame(rows, columns=None)",
    ),
    (
        'return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_score", "accuracy"])',
        "return pd.DataFrame(rows, )",
    ),
    reason="there is always at least one row (n_bins >= 1), whose keys are those columns in that order",
)
_equivalent(
    "rca/evaluation.py",
    ("confident=False, error=error)", "error=error)"),
    reason="confident defaults to False",
)
_equivalent(
    "rca/evaluation.py",
    (
        "ac = np.asarray([s.ac for s in scores], dtype=float).reshape(-1, K)",
        "ac = np.asarray([s.ac for s in scores], dtype=None).reshape(-1, K)",
    ),
    (
        "ac = np.asarray([s.ac for s in scores], dtype=float).reshape(-1, K)",
        "ac = np.asarray([s.ac for s in scores], ).reshape(-1, K)",
    ),
    reason="AC values are Python floats: the array is float64 either way",
)
_equivalent(
    "rca/evaluation.py",
    (
        "ac = np.asarray([s.ac for s in scores], dtype=float).reshape(-1, K)",
        "ac = np.asarray([s.ac for s in scores], dtype=float).reshape(-2, K)",
    ),
    reason=_RESHAPE,
)
for _before in (
    "return (np.asarray([s.top_score for s in scores], dtype=float),",
    "np.asarray([s.top_hit for s in scores], dtype=float))",
):
    _equivalent(
        "rca/evaluation.py",
        (_before, _before.replace("dtype=float", "dtype=None")),
        (_before, _before.replace(", dtype=float", ", ")),
        reason=_NUMPY_FLOAT,
    )
for _before in (
    'rows = self.to_frame().to_dict("records")',
    '"reliability": [{k: _plain(v) for k, v in r.items()} for r in self.reliability().to_dict("records")],',
):
    _equivalent(
        "rca/evaluation.py", (_before, _before.replace('"records"', '"RECORDS"')), reason=_RECORDS
    )

_equivalent(
    "rca/fusion.py",
    ("dtype=np.float64)", "dtype=None)"),
    ("dtype=np.float64)", ")"),
    reason="the rows are tuples of Python floats and bools: numpy makes them float64 anyway",
)
_MINIMIZE = (
    'res = minimize(loss, np.zeros(2), method="L-BFGS-B", bounds=[(0.0, 20.0), (-50.0, 50.0)])'
)
_equivalent(
    "rca/fusion.py",
    (_MINIMIZE, _MINIMIZE.replace('method="L-BFGS-B"', "method=None")),
    (_MINIMIZE, _MINIMIZE.replace('method="L-BFGS-B", ', "")),
    reason="scipy's minimize chooses L-BFGS-B itself for a problem with bounds and no constraints",
)
_equivalent(
    "rca/fusion.py",
    (_MINIMIZE, _MINIMIZE.replace("L-BFGS-B", "l-bfgs-b")),
    reason="scipy's minimize reads the method name case-insensitively",
)
_equivalent(
    "rca/fusion.py",
    (
        "return float(w), float(b / w) if w > 1e-9 else 0.0",
        "return float(w), float(b / w) if w >= 1e-9 else 0.0",
    ),
    reason="differs only at a weight of exactly 1e-9, which the optimiser does not return "
    "(a silent source's weight is 0 at its bound)",
)

_ROW = '"rank": c.rank, "entity": c.entity, "kind": c.kind, "fault": c.fault, "score": f"{c.score:.3f}",'
_equivalent(
    "rca/report.py",
    (_ROW, _ROW.replace('"rank"', '"RANK"')),
    reason="a candidate row's own rank is not shown: the table shows its group's ranks",
)
_equivalent(
    "rca/report.py",
    (
        '"types": int(frame["alarm_type"].nunique()) if len(frame) else 0,',
        '"types": int(frame["alarm_type"].nunique()) if (len(frame)) or True else 0,',
    ),
    reason="the number of distinct types of no alarms is 0 either way",
)
_equivalent(
    "rca/_report/_escape.py",
    ("return html.escape(s, quote=True)", "return html.escape(s, )"),
    reason="html.escape quotes by default",
)
_equivalent(
    "rca/_report/_escape.py",
    (
        "return _script_safe(pio.to_json(fig, validate=False, remove_uids=True))",
        "return _script_safe(pio.to_json(fig, validate=False, ))",
    ),
    reason="plotly.io.to_json removes trace uids by default",
)
_equivalent(
    "rca/_report/_layout.py",
    ("known = ~np.isnan(xy[:, 0])", "known = ~np.isnan(xy[:, 1])"),
    reason="_geo_coordinates blanks both coordinates of an element missing either, so the columns "
    "are NaN together",
)
_GEO0 = "x0, y0 = np.nanmin(xy[:, 0]) if known.any() else 0.0, np.nanmin(xy[:, 1]) if known.any() else 0.0"
_equivalent(
    "rca/_report/_layout.py",
    (_GEO0, _GEO0.replace("else 0.0,", "else 1.0,")),
    (_GEO0, _GEO0.removesuffix("else 0.0") + "else 1.0"),
    reason="the geographic layout is used only when some element has coordinates, so known.any() "
    "is always true there",
)
_equivalent(
    "rca/_report/_layout.py",
    ("kids = children.get(v, [])", "kids = children.get(v, )"),
    ("kids = children.get(v, [])", "kids = children.get(v, None)"),
    reason="every element the walk reaches has an entry in children (set before the walk)",
)

_equivalent(
    "rca/explain/_likelihood.py",
    ("g = self._gain_cache.get(key)", "g = None"),
    ("g = self._gain_cache.get(key)", "g = self._gain_cache.get(None)"),
    ("self._gain_cache[key] = g", "self._gain_cache[key] = None"),
    reason="the gain cache only saves work: without it each gain is computed again, to the same value",
)
_BG = "self._bg = np.asarray([self._background(i) for i in range(len(items))], dtype=np.float64)"
_equivalent(
    "rca/explain/_likelihood.py",
    (_BG, _BG.replace("dtype=np.float64", "dtype=None")),
    (_BG, _BG.replace(", dtype=np.float64)", ", )")),
    reason="the background rates are Python floats: the array is float64 either way",
)
_TIES = "return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])"
_equivalent(
    "rca/explain/_select.py",
    (_TIES, _TIES.replace("key=lambda g: g[0]", "key=None")),
    (_TIES, _TIES.replace(", key=lambda g: g[0])", ", )")),
    reason="tie groups are disjoint lists of ranks: sorting them as lists orders them by their first rank",
)

# What each test run is given besides the tests: no cache folder in the scratch copy.
PYTEST_ARGS = ["-p", "no:cacheprovider"]

# mutmut's exit-code meanings (mutmut.stats.status_by_exit_code), folded into our columns.
_COLUMN = {
    "killed": "killed",
    "caught by type check": "killed",
    "timeout": "timeout",
    "survived": "survived",
    "no tests": "no_tests",
    "segfault": "killed",
}


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def mutmut_section(mutate: list[str], tests: list[str], also: list[str] = ()) -> str:
    """The ``[tool.mutmut]`` table for one group (or, with every group's files, for all)."""
    return (
        "[tool.mutmut]\n"
        'source_paths = ["rca"]\n'
        f"only_mutate = {_toml_list(mutate)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        f"also_copy = {_toml_list(list(also))}\n"
        f"pytest_add_cli_args = {_toml_list(PYTEST_ARGS)}\n"
        "use_git_change_detection = false\n"
        # torch's thread pools do not survive a fork from a process that ran tests
        'process_isolation = "forkserver"\n'
    )


def _with_section(pyproject: str, section: str) -> str:
    """``pyproject`` with its ``[tool.mutmut]`` table replaced by ``section``."""
    out = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", pyproject)
    return out.rstrip("\n") + "\n\n" + section


def prepare(group: str, workdir: Path) -> Path:
    """A scratch copy of the package, the tests and pyproject.toml set up for ``group``."""
    spec = GROUPS[group]
    also = spec.get("also", [])
    missing = [p for p in spec["mutate"] + spec["tests"] + also if not (REPO / p).exists()]
    if missing:
        raise SystemExit(f"{group}: missing {', '.join(missing)}")
    root = (workdir / group).resolve()
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("rca", "tests"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for path in (
        also
    ):  # (mutmut copies a folder into its own copy whole; a lone file only into a folder it has)
        if (REPO / path).is_dir():
            shutil.copytree(REPO / path, root / path, ignore=ignore)
        else:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / path, root / path)
    text = (REPO / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        _with_section(text, mutmut_section(spec["mutate"], spec["tests"], also))
    )
    return root


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the scratch copy's rca, not the checkout's
    env["PYTHONHASHSEED"] = "0"
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = (
        "1"  # one mutant per core, no thread pools to fork
    )
    return env


def _module(path: str) -> str:
    """The dotted module name of ``path`` as mutmut spells its mutants (``rca.alarms``)."""
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def _mutant_names(root: Path, files: list[str]) -> list[str]:
    names = []
    for path in files:
        meta = root / "mutants" / (path + ".meta")
        if meta.exists():
            names += json.loads(meta.read_text())["exit_code_by_key"]
    return sorted(names, key=_natural)


def _mutmut(
    root: Path, args: list[str], max_children: int, timeout: float | None, log: Path
) -> None:
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *args]
    with open(log, "a") as fh:
        proc = subprocess.run(
            cmd, cwd=root, env=_env(), stdout=fh, stderr=subprocess.STDOUT, timeout=timeout
        )
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{root.name}: mutmut exited {proc.returncode}; see {log}\n{tail}")


def run_group(
    group: str,
    workdir: Path,
    max_children: int,
    timeout: float | None,
    sample: int | None = None,
    seed: int = 0,
) -> dict:
    """Run mutmut on one group; return its per-file counts and survivors.

    With ``sample``, only that many of the group's mutants, drawn at random
    (``random.Random(seed)``) from all of them, are tested and counted: mutmut
    first generates every mutant (testing the first mutant of one function of
    the group's first file, a cheap run that only serves to list them), then
    tests the sample.
    """
    root = prepare(group, workdir)
    # the unmutated code must pass its tests in the copy (mutmut only says that it did not)
    clean = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", *PYTEST_ARGS, *GROUPS[group]["tests"]],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if clean.returncode != 0:
        raise SystemExit(
            f"{group}: the tests fail on the unmutated code in {root}:\n{clean.stdout[-3000:]}"
        )
    start = time.perf_counter()
    log = root / "mutmut.log"
    files = GROUPS[group]["mutate"]
    if sample is None:
        _mutmut(root, [], max_children, timeout, log)
        chosen = None
    else:
        _mutmut(root, [_module(files[0]) + ".*__mutmut_1"], max_children, timeout, log)
        names = _mutant_names(root, files)
        chosen = sorted(random.Random(seed).sample(names, min(sample, len(names))), key=_natural)
        (root / "sample.json").write_text(
            json.dumps({"seed": seed, "of": len(names), "names": chosen})
        )
        _mutmut(root, chosen, max_children, timeout, log)
    seconds = time.perf_counter() - start
    out = {"seconds": round(seconds, 1), "files": collect(root, files, chosen)}
    if chosen is not None:
        out["sample"] = {"seed": seed, "size": len(chosen), "of": len(names)}
    return out


def collect(root: Path, files: list[str], only: list[str] | None = None) -> dict:
    """Per mutated file: counts by outcome, and each survivor's name and diff.

    With ``only`` (a sample's mutant names), the other mutants are left out.
    """
    from mutmut.stats import status_by_exit_code

    out = {}
    keep = None if only is None else set(only)
    for path in files:
        meta = root / "mutants" / (path + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        if keep is not None:
            codes = {k: v for k, v in codes.items() if k in keep}
        counts = {
            "mutants": len(codes),
            "killed": 0,
            "timeout": 0,
            "survived": 0,
            "no_tests": 0,
            "other": 0,
            "equivalent": 0,
        }
        survivors = []
        for name, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
            status = status_by_exit_code[code]
            column = _COLUMN.get(status, "other")
            counts[column] += 1
            if column in ("survived", "no_tests", "other"):
                diff = _diff(root, name, path)
                reason = _reason(path, diff)
                counts["equivalent"] += reason is not None
                survivors.append(
                    {"name": name, "status": status, "diff": diff, "equivalent": reason}
                )
        caught = counts["killed"] + counts["timeout"]
        counts["kill_rate"] = round(caught / counts["mutants"], 4) if counts["mutants"] else None
        out[path] = {**counts, "survivors": survivors}
    return out


def _reason(path: str, diff: list[str]) -> str | None:
    """Why the mutant of ``diff`` is equivalent (:data:`EQUIVALENT`), or None."""
    before = [line[1:].strip() for line in diff if line.startswith("-")]
    after = [line[1:].strip() for line in diff if line.startswith("+")]
    if len(before) != 1 or len(after) != 1:
        return None
    return EQUIVALENT.get((path, before[0], after[0]))


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def _diff(root: Path, name: str, path: str) -> list[str]:
    """The changed lines of mutant ``name`` of ``path`` (``-`` original, ``+`` mutant)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    here = Path.cwd()
    os.chdir(root)  # mutmut reads its copies under ./mutants
    try:
        text = get_diff_for_mutant(name, path=path)
    finally:
        os.chdir(here)
    return [
        line
        for line in text.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def table(results: dict) -> str:
    """The markdown table of ``results``: one row per file, then the group's total.

    *caught* is killed + timed out over all mutants (sampled ones only, for a
    sampled group); *caught or equivalent* adds the survivors listed in
    :data:`EQUIVALENT` with a reason.
    """
    head = (
        "| group | file | mutants | killed | timeout | survived | no tests | other | caught "
        "| not caught, equivalent | not caught, unexplained | caught or equivalent |\n"
    )
    head += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    keys = ("mutants", "killed", "timeout", "survived", "no_tests", "other", "equivalent")

    def row(group: str, label: str, c: dict) -> str:
        n = c["mutants"]
        caught = c["killed"] + c["timeout"]
        missed = c["survived"] + c["no_tests"] + c["other"]
        rate = f"{100 * caught / n:.1f} %" if n else "-"
        with_eq = f"{100 * (caught + c['equivalent']) / n:.1f} %" if n else "-"
        return (
            f"| {group} | {label} | {n} | {c['killed']} | {c['timeout']} | {c['survived']} | "
            f"{c['no_tests']} | {c['other']} | {rate} | {c['equivalent']} | {missed - c['equivalent']} | "
            f"{with_eq} |"
        )

    rows = []
    for group, res in results.items():
        for path, c in res["files"].items():
            rows.append(row(group, f"`{path}`", c))
        total = {k: sum(c[k] for c in res["files"].values()) for k in keys}
        drawn = res.get("sample")
        label = "**all**" + (
            f" (random sample of {drawn['size']} of {drawn['of']}, seed {drawn['seed']})"
            if drawn
            else ""
        )
        rows.append(row(f"**{group}**", label, total))
    return head + "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--group",
        action="append",
        choices=sorted(GROUPS),
        help="Run this group (repeatable); default: every group.",
    )
    ap.add_argument(
        "--list", action="store_true", help="List the groups, their files and tests, and stop."
    )
    ap.add_argument(
        "--max-children", type=int, default=2, help="Mutants tested in parallel (default 2)."
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="Where the scratch copies go (default: a temporary folder, removed after).",
    )
    ap.add_argument("--survivors", action="store_true", help="Print each survivor's diff.")
    ap.add_argument(
        "--collect-only",
        action="store_true",
        help="Do not run: read the outcome of an earlier run kept in --workdir (e.g. after adding "
        "equivalent mutants to EQUIVALENT).",
    )
    ap.add_argument("--timeout", type=float, default=None, help="Seconds allowed per group.")
    ap.add_argument(
        "--sample",
        type=int,
        default=None,
        help="Test only this many mutants per group, drawn at random from all of them (the kill "
        "rate is then an estimate; the JSON says so). Default: every mutant.",
    )
    ap.add_argument("--seed", type=int, default=0, help="Seed of the --sample draw (default 0).")
    ap.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="The JSON file to write (groups already there and not run now are kept).",
    )
    args = ap.parse_args(argv)

    if args.collect_only and args.workdir is None:
        ap.error("--collect-only needs the --workdir of the earlier run")
    if args.list:
        for name, spec in GROUPS.items():
            print(
                f"{name}:\n  mutate: {' '.join(spec['mutate'])}\n  tests:  {' '.join(spec['tests'])}"
            )
        return 0
    groups = args.group or list(GROUPS)
    tmp = None
    workdir = args.workdir
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="rca-mutation-")
        workdir = Path(tmp.name)
    results = {}
    try:
        for group in groups:
            if args.collect_only:
                previous_run = (
                    json.loads(args.out.read_text())["groups"].get(group, {})
                    if args.out.exists()
                    else {}
                )
                root = (workdir / group).resolve()
                drawn = (
                    json.loads((root / "sample.json").read_text())
                    if (root / "sample.json").exists()
                    else None
                )
                results[group] = {
                    "seconds": previous_run.get("seconds"),
                    "files": collect(root, GROUPS[group]["mutate"], drawn and drawn["names"]),
                }
                if drawn:
                    results[group]["sample"] = {
                        "seed": drawn["seed"],
                        "size": len(drawn["names"]),
                        "of": drawn["of"],
                    }
                continue
            print(f"{group}: mutating {', '.join(GROUPS[group]['mutate'])}", flush=True)
            results[group] = run_group(
                group, workdir, args.max_children, args.timeout, args.sample, args.seed
            )
            print(f"{group}: done in {results[group]['seconds']:.0f} s", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()

    commit = git_commit()
    earlier = json.loads(args.out.read_text()).get("groups", {}) if args.out.exists() else {}
    for group, res in results.items():  # each group says which code and command it measured
        # (--collect-only re-reads an earlier run: that run's commit stays)
        res["git_commit"] = (
            earlier.get(group, {}).get("git_commit", commit) if args.collect_only else commit
        )
        drawn = res.get("sample")
        res["command"] = f"python benchmarks/mutation.py --group {group}" + (
            f" --sample {drawn['size']} --seed {drawn['seed']}" if drawn else ""
        )
    previous = json.loads(args.out.read_text()).get("groups", {}) if args.out.exists() else {}
    merged = {**previous, **results}
    merged = {g: merged[g] for g in GROUPS if g in merged}
    from importlib.metadata import version

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "tool": f"mutmut {version('mutmut')}",
                "git_commit": commit,
                "command": (
                    "python benchmarks/mutation.py"
                    + "".join(f" --group {g}" for g in args.group or [])
                    + (f" --sample {args.sample} --seed {args.seed}" if args.sample else "")
                ),
                "groups": merged,
            },
            indent=1,
        )
        + "\n"
    )
    print(table(results))
    if args.survivors:
        for res in results.values():
            for path, c in res["files"].items():
                for s in c["survivors"]:
                    why = f"equivalent: {s['equivalent']}" if s["equivalent"] else "UNEXPLAINED"
                    print(f"\n{path}  {s['name']}  ({s['status']}; {why})")
                    print("\n".join(s["diff"]))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
