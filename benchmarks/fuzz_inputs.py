"""Damaged, hostile and extreme inputs: how many does ``rca`` handle cleanly?

Each probe takes a small twin incident, damages it in one way, and runs
what a user would run (read, analyse, write the report, or the CLI on a
batch). A probe is *handled cleanly* when the outcome is a right answer or
a clear error naming the file (an :class:`rca.InputError`), and the
category's own check holds:

- ``quotes``, ``field counts``: every line of ``alarms.csv`` is a row of the
  log, a dropped row, or reported as text of a multi-line field;
- ``encodings``, ``truncations``: no exception but ``InputError``;
- ``timestamps``: epoch ms/us/ns give the same times as seconds; inf, nan,
  1e308, -1e10 rows are refused and reported, and the report still renders;
- ``non-finite numbers``: inf metric values, coordinates, capacities are not
  kept without a report;
- ``row order``: shuffling the rows of every file gives the same answer;
- ``hostile text``: HTML/JS in ids and messages reaches the page escaped;
  the CLI's stderr carries no terminal escape;
- ``long fields``: a 20,000-character alarm type costs under 5 s;
- ``graphml``: edge ids are link ids, undeclared nodes are reported,
  external entities and entity bombs are refused;
- ``batches``: one damaged incident or an interruption never costs the
  other incidents their answers (valid JSON on stdout);
- ``output paths``: a folder or a symlink as ``--html`` is a clean error,
  and the link's target is untouched;
- ``model files``: a file asking for a huge layer, or holding pickled
  objects, is refused without allocating gigabytes.

Usage::

    python benchmarks/fuzz_inputs.py [--probes 12] [--seed 0] [--out benchmarks/results/fuzz_inputs.json]

It runs against whichever ``rca`` is imported (run it with ``PYTHONPATH``
pointing at another checkout to measure that one). Prints a table of probes
tried / handled cleanly per category and writes the JSON with the netrca
version, git commit and command.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from _provenance import git_commit

import rca
from rca import InputError, read_incident
from rca.analysis import analyze

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><!--",
    "{{7*7}}",
    "\x1b[2J\x1b]0;pwned\x07",
    "javascript:alert(3)",
]


# ----------------------------------------------------------------- helpers
def base_incident(folder: Path, seed: int) -> Path:
    from rca.datasets import make_incident

    make_incident(size="small", random_state=seed, name=folder.name).write(folder)
    return folder


def lines_of(path: Path) -> tuple[str, list[str]]:
    head, *body = path.read_text(encoding="utf-8").splitlines()
    return head, body


def write_lines(path: Path, head: str, body: list[str]) -> None:
    path.write_text("\n".join([head] + body) + "\n", encoding="utf-8")


def accounted(inc: rca.Incident, n_lines: int) -> bool:
    issues = [i for i in inc.alarms.report if i.file and str(i.file).endswith("alarms.csv")]
    dropped = sum(i.count for i in issues if i.action == "dropped")
    absorbed = sum(i.count for i in issues if i.kind == "multiline_field")
    return len(inc.alarms) + dropped + absorbed == n_lines


def answer(folder: Path) -> dict:
    data = analyze(read_incident(folder)).to_dict()
    data.pop("seconds", None)
    data.pop("incident", None)
    return data


def read_or_clean_error(folder: Path, *files: str) -> rca.Incident | None:
    """The incident, or None after an InputError naming one of ``files``; anything else propagates."""
    try:
        return read_incident(folder)
    except InputError as exc:
        if files and not any(f in str(exc) for f in files):
            raise AssertionError(f"error names no file: {exc}") from exc
        return None


def cli(args: list[str]) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from rca.cli import main

    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


# ----------------------------------------------------------------- probes
def p_quotes(folder: Path, rng: random.Random) -> bool:
    head, body = lines_of(folder / "alarms.csv")
    for i in rng.sample(range(len(body)), k=min(len(body), rng.randint(1, 3))):
        body[i] = body[i] + ',"unclosed' if rng.random() < 0.5 else body[i].replace(",", ',"', 1)
    write_lines(folder / "alarms.csv", head, body)
    inc = read_or_clean_error(folder, "alarms.csv")
    return inc is None or accounted(inc, len(body))


def p_field_counts(folder: Path, rng: random.Random) -> bool:
    head, body = lines_of(folder / "alarms.csv")
    for i in rng.sample(range(len(body)), k=min(len(body), 3)):
        cells = body[i].split(",")
        how = rng.choice(["extra", "missing", "empty"])
        cells = (
            cells + ["x", "y"]
            if how == "extra"
            else cells[:2]
            if how == "missing"
            else [""] + cells[1:]
        )
        body[i] = ",".join(cells)
    write_lines(folder / "alarms.csv", head, body)
    inc = read_or_clean_error(folder, "alarms.csv")
    return inc is None or accounted(inc, len(body))


def p_encodings(folder: Path, rng: random.Random) -> bool:
    name = rng.choice(["alarms.csv", "nodes.csv", "links.csv", "truth.json"])
    data = (folder / name).read_bytes()
    junk = rng.choice([b"\xe9", b"\xff\xfe", b"\x00", b"\xc3", "\ufeff".encode(), b"\x1b[31m"])
    at = rng.randrange(len(data) + 1)
    (folder / name).write_bytes(data[:at] + junk + data[at:])
    inc = read_or_clean_error(folder, name)
    if inc is not None:
        analyze(inc)
    return True


def p_truncations(folder: Path, rng: random.Random) -> bool:
    name = rng.choice(["alarms.csv", "nodes.csv", "links.csv", "truth.json", "metrics.csv"])
    if not (folder / name).exists():
        name = "alarms.csv"
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: rng.randrange(len(data) + 1)])
    inc = read_or_clean_error(folder, name, "no topology")
    if inc is not None:
        analyze(inc)
    return True


def p_timestamps(folder: Path, rng: random.Random) -> bool:
    from rca._time import parse_timestamps

    before = read_incident(folder).alarms.times
    head, body = lines_of(folder / "alarms.csv")
    how = rng.choice(["ms", "us", "ns", "inf", "nan", "1e308", "-1e10"])
    cells = [line.split(",", 1) for line in body]
    secs = parse_timestamps(pd.Series([c[0] for c in cells]))[0]
    if how in ("ms", "us", "ns"):
        factor = {"ms": 10**3, "us": 10**6, "ns": 10**9}[how]
        body = [
            f"{round(s * 1000) * (factor // 1000) if factor > 1000 else round(s * 1000)},{c[1]}"
            for s, c in zip(secs, cells)
        ]
        write_lines(folder / "alarms.csv", head, body)
        after = read_incident(folder).alarms.times
        return len(after) == len(before) and bool(abs(after - before).max() < 1e-3)
    i = rng.randrange(len(body))
    body[i] = f"{how},{cells[i][1]}"
    write_lines(folder / "alarms.csv", head, body)
    inc = read_incident(folder)
    from rca.report import render_report

    render_report(inc, analyze(inc))
    times = inc.alarms.times
    return accounted(inc, len(body)) and bool(((times > 6.3e8) & (times < 4.2e9)).all())


def p_non_finite(folder: Path, rng: random.Random) -> bool:
    which = rng.choice(["metrics", "lat", "capacity"])
    if which == "metrics" and (folder / "metrics.csv").exists():
        head, body = lines_of(folder / "metrics.csv")
        i = rng.randrange(len(body))
        cells = body[i].split(",")
        cells[3] = rng.choice(["inf", "-inf", "nan"])
        body[i] = ",".join(cells)
        write_lines(folder / "metrics.csv", head, body)
        inc = read_incident(folder)
        kept = inc.metrics.frame["value"].map(lambda v: v != v or abs(v) == float("inf")).any()
        return not kept
    name, column = ("nodes.csv", "lat") if which == "lat" else ("links.csv", "capacity_mbps")
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    frame[column] = frame.get(column, "")
    frame.loc[rng.randrange(len(frame)), column] = rng.choice(["inf", "-inf", "1e400"])
    frame.to_csv(folder / name, index=False)
    inc = read_incident(folder)
    table = inc.topology.nodes if which == "lat" else inc.topology.links
    values = pd.to_numeric(table[column], errors="coerce")
    return not values.map(lambda v: abs(v) == float("inf")).any()


def p_row_order(folder: Path, rng: random.Random) -> bool:
    base = answer(folder)
    for name in ("nodes.csv", "links.csv", "alarms.csv", "metrics.csv"):
        if (folder / name).exists():
            frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
            frame.sample(frac=1, random_state=rng.randrange(2**31)).to_csv(
                folder / name, index=False
            )
    return answer(folder) == base


def p_hostile(folder: Path, rng: random.Random) -> bool:
    from rca.report import render_report

    frame = pd.read_csv(folder / "alarms.csv", dtype=str, keep_default_na=False)
    for i in rng.sample(range(len(frame)), k=min(4, len(frame))):
        frame.loc[i, rng.choice(["message", "device", "alarm_type", "link_id"])] = rng.choice(
            HOSTILE
        )
    frame.to_csv(folder / "alarms.csv", index=False)
    inc = read_incident(folder)
    page = render_report(inc, analyze(inc))
    if any(raw in page for raw in ("<script>alert(1)", "<img src=x onerror", "</script><!--")):
        return False
    if page.count("<script") != page.count("</script>"):
        return False
    if rng.random() < 0.3:  # the terminal: a real process, as the operator runs it
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        done = subprocess.run(
            [sys.executable, "-m", "rca", "analyze", str(folder)],
            capture_output=True,
            env=env,
            timeout=120,
        )
        return (
            b"\x1b" not in done.stderr and b"\x1b" not in done.stdout and b"\x07" not in done.stderr
        )
    return True


def p_long_fields(folder: Path, rng: random.Random) -> bool:
    head, body = lines_of(folder / "alarms.csv")
    cells = body[0].split(",")
    cells[2] = rng.choice(["_", " ", "-", "_ "]) * 20_000 + "x"
    body[0] = ",".join(cells)
    write_lines(folder / "alarms.csv", head, body)
    started = time.process_time()
    inc = read_incident(folder)
    analyze(inc)
    return time.process_time() - started < 5.0


GRAPHML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
GRAPHML = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">'
    "{nodes}{edges}</graph></graphml>"
)


def p_graphml(folder: Path, rng: random.Random) -> bool:
    from rca import AlarmLog, Topology

    how = rng.choice(["edge_ids", "undeclared", "xxe", "bomb"])
    path = folder / "topology.graphml"
    if how == "xxe":
        secret = folder / "secret.txt"
        secret.write_text("TOPSECRET")
        path.write_text(
            GRAPHML_HEAD
            + f'<!DOCTYPE g [<!ENTITY x SYSTEM "file://{secret}">]>'
            + GRAPHML.format(
                nodes='<node id="&x;"/><node id="B"/>', edges='<edge source="B" target="B"/>'
            )
        )
    elif how == "bomb":
        ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8)
        )
        path.write_text(
            GRAPHML_HEAD
            + f"<!DOCTYPE g [{ents}]>"
            + GRAPHML.format(nodes='<node id="&i;"/>', edges="")
        )
    else:
        n = rng.randint(3, 8)
        nodes = "".join(f'<node id="N{k}"/>' for k in range(n))
        edges = "".join(f'<edge id="L-{k}" source="N{k}" target="N{k + 1}"/>' for k in range(n - 1))
        if how == "undeclared":
            edges += '<edge id="L-x" source="N0" target="GHOST"/>'
        path.write_text(GRAPHML_HEAD + GRAPHML.format(nodes=nodes, edges=edges))
    try:
        topo = Topology.read_graphml(path)
    except InputError:
        return how in ("xxe", "bomb")
    if how in ("xxe", "bomb"):
        return "TOPSECRET" not in " ".join(topo.node_ids) and max(map(len, topo.node_ids)) < 10_000
    if how == "undeclared":
        return "GHOST" in topo.node_ids and any("GHOST" in i.message for i in topo.report)
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": ["2026-03-01T10:00:00Z"],
                "device": ["N0"],
                "alarm_type": ["LINK_DOWN"],
                "link_id": ["L-0"],
            }
        ),
        topology=topo,
    )
    return "unknown_link" not in log.report.kinds()


def p_batches(folder: Path, rng: random.Random) -> bool:
    root = folder.parent / (folder.name + "-batch")
    names = [f"inc{k}" for k in range(4)]
    for _k, name in enumerate(names):
        shutil.copytree(folder, root / name)
    bad = root / names[1]
    how = rng.choice(["latin1_truth", "epoch_ns", "inf_html", "sigint"])
    html: list[str] = []
    if how == "latin1_truth":
        (bad / "truth.json").write_bytes(b'{"root_causes": [{"entity": "R\xe9", "kind": "node"}]}')
    elif how in ("epoch_ns", "inf_html"):
        head, body = lines_of(bad / "alarms.csv")
        cells = [line.split(",", 1) for line in body]
        from rca._time import parse_timestamps

        secs = parse_timestamps(pd.Series([c[0] for c in cells]))[0]
        if how == "epoch_ns":
            body = [f"{int(s) * 10**9},{c[1]}" for s, c in zip(secs, cells)]
        else:
            body[0] = "inf," + cells[0][1]
            html = ["--html", str(root.parent / (root.name + "-reports"))]
        write_lines(bad / "alarms.csv", head, body)
    if how == "sigint":
        import rca.analysis as analysis

        real = analysis.analyze

        def interrupt(inc: rca.Incident, **kwargs: object) -> object:
            if inc.name == names[2]:
                raise KeyboardInterrupt
            return real(inc, **kwargs)

        analysis.analyze = interrupt
        try:
            code, out, err = cli(["analyze", str(root), "--json"])
        finally:
            analysis.analyze = real
        try:
            return len(json.loads(out)) == 2
        except ValueError:
            return False
    code, out, err = cli(["analyze", str(root), "--json", *html])
    try:
        got = [a["incident"] for a in json.loads(out)]
    except ValueError:
        return False
    others = [n for n in names if n != names[1]]
    return all(n in got for n in others) and (names[1] in got or names[1] in err)


def p_output_paths(folder: Path, rng: random.Random) -> bool:
    target = folder.parent / (folder.name + "-precious.txt")
    target.write_text("keep me")
    out = folder.parent / (folder.name + "-out.html")
    how = rng.choice(["folder", "symlink"])
    if how == "folder":
        out.mkdir()
    else:
        out.symlink_to(target)
    code, stdout, stderr = cli(["analyze", str(folder), "--html", str(out)])
    return (
        code != 0
        and "Traceback" not in stderr
        and target.read_text() == "keep me"
        and stderr.startswith("Error")
    )


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def p_model_files(folder: Path, rng: random.Random) -> bool:
    import pickle

    import torch

    from rca.errors import ModelFileError
    from rca.gnn import FailureGNN

    path = folder / "model.pt"
    how = rng.choice(["huge_layer", "pickle", "truncated"])
    if how == "huge_layer":
        from rca.datasets import FAULT_TYPES
        from rca.gnn._graph_data import FEATURES
        from rca.gnn._serialize import write_model_file

        write_model_file(
            path,
            "netrca-failure",
            1,
            {"hidden": 20_000, "layers": 2},
            {},
            {"features": list(FEATURES), "fault_types": list(FAULT_TYPES)},
        )
    elif how == "pickle":

        class Evil:
            def __reduce__(self) -> tuple:
                return (os.system, ("echo pwned",))

        torch.save(
            {
                "format": "netrca-failure",
                "format_version": 1,
                "config": "{}",
                "extra": "{}",
                "state": {"x": Evil()},
            },
            str(path),
        )
        if rng.random() < 0.5:
            path.write_bytes(pickle.dumps(Evil()))
    else:
        FailureGNN.pretrained().save(path)
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data))])
    before = _rss()
    try:
        FailureGNN.load(path)
    except ModelFileError:
        return _rss() - before < 500 * 2**20
    return False


CATEGORIES: dict[str, Callable[[Path, random.Random], bool]] = {
    "quotes": p_quotes,
    "field counts": p_field_counts,
    "encodings": p_encodings,
    "truncations": p_truncations,
    "timestamps": p_timestamps,
    "non-finite numbers": p_non_finite,
    "row order": p_row_order,
    "hostile text": p_hostile,
    "long fields": p_long_fields,
    "graphml": p_graphml,
    "batches": p_batches,
    "output paths": p_output_paths,
    "model files": p_model_files,
}
# expensive probes run fewer times
SCALE = {"long fields": 0.25, "hostile text": 0.5, "batches": 0.5, "model files": 0.5}


def run(probes: int, seed: int) -> list[dict]:
    rows = []
    work = Path(tempfile.mkdtemp(prefix="rca-fuzz-"))
    try:
        for c, (category, probe) in enumerate(CATEGORIES.items()):
            n = max(2, round(probes * SCALE.get(category, 1.0)))
            clean, failures = 0, []
            for k in range(n):
                rng = random.Random(seed * 10_007 + c * 101 + k)
                folder = base_incident(work / f"{c:02d}-{k:03d}", seed=seed + k % 5)
                try:
                    with contextlib.redirect_stderr(io.StringIO()):
                        ok = bool(probe(folder, rng))
                    note = "" if ok else "check failed"
                except Exception as exc:  # a traceback is the finding
                    ok, note = (
                        False,
                        f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}",
                    )
                    logging.getLogger(__name__).debug("%s", traceback.format_exc())
                clean += ok
                if not ok:
                    failures.append({"probe": k, "why": note})
            rows.append(
                {"category": category, "tried": n, "clean": clean, "failures": failures[:5]}
            )
            print(f"{category:20s} {n:4d} {clean:6d}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--probes", type=int, default=12, help="probes per category (fewer for costly ones)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "fuzz_inputs.json"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the probes' warnings are expected; the table is the output
    print(f"{'category':20s} {'tried':>4s} {'clean':>6s}")
    started = time.perf_counter()
    rows = run(args.probes, args.seed)
    tried, clean = sum(r["tried"] for r in rows), sum(r["clean"] for r in rows)
    print(f"{'all':20s} {tried:4d} {clean:6d}   ({time.perf_counter() - started:.0f} s)")
    result = {
        "netrca_version": getattr(rca, "__version__", "unknown"),
        "git_commit": git_commit(short=False) or "unknown",
        "rca_path": str(Path(rca.__file__).parent),
        "command": "python "
        + " ".join([Path(sys.argv[0]).as_posix()] + (argv if argv is not None else sys.argv[1:])),
        "probes": args.probes,
        "seed": args.seed,
        "tried": tried,
        "clean": clean,
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
