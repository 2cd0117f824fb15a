"""Benchmark: gCastle's TTPM against our alarm causal discovery on the PCIC data sets.

Issue 3 asks that the default discovery method finish in under 60 s per data
set on one core, several times faster than gCastle's TTPM on the same data.
This script runs, on each PCIC data set:

* gCastle's ``TTPM`` (topological Hawkes process) with the parameters of
  gCastle's own example (``gcastle/example/ttpm/ttpm.yaml``: ``delta=0.1``,
  ``epsilon=1``, ``max_hop=2``, ``penalty="BIC"``, ``max_iter`` left at 20)
  and the data set's ``Topology.npy``. A data set without a topology file
  (18V_55N_Wireless) gets a topology without links and ``max_hop=0``
  (TTPM's constructor default, "divided by nodes, regardless of topology"):
  with no links, hops 1 and 2 are empty and would only triple TTPM's BIC
  penalty per edge. Its output graph is scored as it comes, without any
  threshold. It runs in a subprocess with one thread
  (``OMP_NUM_THREADS=1``, BLAS limited to one thread, ``torch.set_num_threads(1)``)
  and a wall-time cap (``--cap``, default 1800 s); a run that hits the cap is
  reported as ``> cap`` with the last hill-climbing iteration it logged.
* our ``thp`` (the default) and ``mshawkes`` with their default
  configurations, through the same call as ``benchmarks/causal_alarms.py``
  (one BLAS thread).

It prints precision, recall, F1, SHD, g-score (``rca.causal.score_graph``),
the fit's wall and CPU seconds, and the TTPM / ours time ratio, and writes
``benchmarks/results/causal_ttpm.json``.

gCastle is not a dependency of the project. Install it beside the virtual
environment, without its dependencies (it needs none beyond what the
environment already has: numpy, pandas, scipy, scikit-learn, networkx,
matplotlib, tqdm, torch), then put it on ``PYTHONPATH``::

    pip install --no-deps --target /tmp/gcastle_pkg gcastle==1.0.4
    PYTHONPATH=/tmp/gcastle_pkg nice python benchmarks/causal_ttpm.py

Note on ``max_iter``: each of TTPM's hill-climbing sweeps scores every
single-edge change of the graph it started from and keeps the best one, so a
sweep changes one edge and the default 20 sweeps return at most 20 edges.
``--max-iter 200`` lets it run to convergence (at many times the cost).

Options: ``--datasets 18V_55N_Wireless,24V_439N_Microwave``, ``--cap 600``,
``--max-iter 200``,
``--max-hop 0`` (TTPM's constructor default, which ignores the topology,
for the data sets that have one).
Without gCastle importable the script exits with code 2 and says how to
install it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from causal_alarms import DEFAULT_DATA, REPO  # noqa: E402  (shared data location)

OURS = ("thp", "mshawkes")
#: gCastle's example configuration (gcastle/example/ttpm/ttpm.yaml); max_hop and max_iter are options
TTPM_PARAMS = {"delta": 0.1, "epsilon": 1, "penalty": "BIC"}
#: TTPM's default number of hill-climbing sweeps; each sweep changes at most one edge
DEFAULT_MAX_ITER = 20
INSTALL = "pip install --no-deps --target /tmp/gcastle_pkg gcastle==1.0.4 && export PYTHONPATH=/tmp/gcastle_pkg"
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "CASTLE_BACKEND": "pytorch",
}


# --------------------------------------------------------------------------- TTPM, in a child process
def _ttpm_inputs(ds):
    """TTPM's event table (``event, timestamp, node``) and topology matrix for a PCIC data set."""
    import numpy as np
    import pandas as pd

    frame = ds.alarms.frame
    events = pd.DataFrame(
        {
            "event": frame["alarm_type"].astype(int).to_numpy(),
            "timestamp": frame["time"].to_numpy(dtype=float),
            "node": frame["device"].astype(int).to_numpy(),
        }
    )
    n_devices = int(events["node"].max()) + 1
    if ds.topology is not None:
        n_devices = max(n_devices, len(ds.topology.graph))
    adjacency = np.zeros((n_devices, n_devices), dtype=int)
    if ds.topology is not None:
        for u, v in ds.topology.graph.edges():
            adjacency[int(u), int(v)] = adjacency[int(v), int(u)] = 1
    return events, adjacency


def run_ttpm_child(folder: Path, max_hop: int, max_iter: int, out: Path) -> None:
    """Fit TTPM on one data set and write its graph and timings to ``out`` (JSON)."""
    import numpy as np
    import torch  # gCastle's pytorch backend imports it anyway

    torch.set_num_threads(1)
    from castle.algorithms import TTPM
    from threadpoolctl import threadpool_limits

    from rca.datasets._pcic import load_pcic

    events, adjacency = _ttpm_inputs(load_pcic(folder))
    model = TTPM(adjacency, max_hop=max_hop, max_iter=max_iter, **TTPM_PARAMS)
    wall, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(limits=1):
        model.learn(events)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    matrix = (
        model.causal_matrix
    )  # castle.common.Tensor: an ndarray labelled by the event names seen
    labels = [str(x) for x in matrix.index]
    values = np.asarray(matrix)
    edges = [[labels[i], labels[j]] for i, j in zip(*np.nonzero(values)) if i != j]
    out.write_text(json.dumps({"edges": edges, "seconds": wall, "cpu_seconds": cpu}))


def gcastle_problem() -> str | None:
    """None when ``castle.algorithms.TTPM`` imports in a child process, else why not."""
    proc = subprocess.run(
        [sys.executable, "-c", "from castle.algorithms import TTPM"],
        env={**os.environ, **ONE_THREAD},
        capture_output=True,
        text=True,
    )
    if proc.returncode == 0:
        return None
    return (
        proc.stderr.strip().splitlines()[-1]
        if proc.stderr.strip()
        else f"exit code {proc.returncode}"
    )


def run_ttpm(folder: Path, max_hop: int, max_iter: int, cap: float, log: Path) -> dict:
    """TTPM on one data set in a subprocess with a wall-time cap; its graph, timings or how far it got."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ttpm.json"
        cmd = [sys.executable, __file__, "--ttpm-child", str(folder), "--child-out", str(out)]
        cmd += ["--max-hop", str(max_hop), "--max-iter", str(max_iter)]
        start = time.perf_counter()
        with log.open("w") as stderr:
            proc = subprocess.Popen(
                cmd, env={**os.environ, **ONE_THREAD}, stdout=stderr, stderr=stderr
            )
            try:
                code = proc.wait(timeout=cap)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = None
        elapsed = time.perf_counter() - start
        text = log.read_text(errors="replace")
        iters = re.findall(r"\[iter (\d+)\]", text)
        if code is None:
            return {
                "status": "cap",
                "process_seconds": elapsed,
                "last_iter": int(iters[-1]) if iters else None,
            }
        if code != 0 or not out.is_file():
            tail = text.strip().splitlines()[-1] if text.strip() else ""
            return {
                "status": "failed",
                "process_seconds": elapsed,
                "error": f"exit code {code}: {tail}",
            }
        result = json.loads(out.read_text())
        return {
            "status": "ok",
            "process_seconds": elapsed,
            "last_iter": int(iters[-1]) if iters else None,
            **result,
        }


# --------------------------------------------------------------------------- ours, in this process
def run_ours(ds, method: str):
    """Our method's default configuration, as ``benchmarks/causal_alarms.py`` runs it; graph, wall and CPU s."""
    from threadpoolctl import threadpool_limits

    from rca.causal._methods import make_method

    wall, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(limits=1):
        est = make_method(method).fit(ds.alarms, ds.topology, types=ds.alarm_ids)
    return est.graph_, time.perf_counter() - wall, time.process_time() - cpu


def _edges_frame(edges: list[list[str]], labels):
    import pandas as pd

    frame = pd.DataFrame(0, index=list(labels), columns=list(labels))
    for a, b in edges:
        frame.loc[a, b] = 1
    return frame


def _row(dataset: str, method: str, score, seconds, cpu_seconds, note: str = "") -> dict:
    return {
        "dataset": dataset,
        "method": method,
        "edges": None if score is None else score.n_pred,
        "precision": None if score is None else round(score.precision, 3),
        "recall": None if score is None else round(score.recall, 3),
        "f1": None if score is None else round(score.f1, 3),
        "shd": None if score is None else score.shd,
        "g_score": None if score is None else round(score.g_score, 3),
        "seconds": seconds if isinstance(seconds, str) else round(seconds, 2),
        "cpu_seconds": None if cpu_seconds is None else round(cpu_seconds, 2),
        "note": note,
    }


def _fmt(value, spec: str) -> str:
    return "-" if value is None else (value if isinstance(value, str) else format(value, spec))


def benchmark_dataset(
    folder: Path, *, max_hop: int, max_iter: int, cap: float, log: Path
) -> tuple[list[dict], list[dict]]:
    """Our two methods and TTPM on one data set: score rows and TTPM / ours time ratios."""
    from rca.causal import score_graph
    from rca.datasets._pcic import load_pcic

    ds = load_pcic(folder)
    name, rows, ours_seconds = folder.name, [], {}
    for method in OURS:
        graph, seconds, cpu = run_ours(ds, method)
        ours_seconds[method] = seconds
        rows.append(_row(name, method, score_graph(graph, ds.true_graph), seconds, cpu))
        print(f"{name:24s} {method:30s} {seconds:8.2f} s", flush=True)

    if ds.topology is None:
        max_hop = 0  # no links: only same-device effects exist
    ttpm_name = f"gCastle TTPM (max_hop={max_hop}" + (
        ")" if max_iter == DEFAULT_MAX_ITER else f", max_iter={max_iter})"
    )
    res = run_ttpm(folder, max_hop, max_iter, cap, log)
    topo = "Topology.npy" if ds.topology is not None else "no topology file: devices unlinked"
    if res["status"] == "ok":
        score = score_graph(_edges_frame(res["edges"], ds.alarm_ids), ds.true_graph)
        sweeps = res["last_iter"] + 1
        note = f"{topo}; {sweeps} hill-climbing sweeps" + (
            " (max_iter reached)" if sweeps >= max_iter else ""
        )
        rows.append(_row(name, ttpm_name, score, res["seconds"], res["cpu_seconds"], note))
        ttpm_seconds, bound = res["seconds"], ""
    elif res["status"] == "cap":
        note = f"{topo}; killed at the cap in hill-climbing sweep {(res['last_iter'] or 0) + 1}"
        rows.append(_row(name, ttpm_name, None, f"> {cap:.0f}", None, note))
        ttpm_seconds, bound = cap, ">"
    else:
        rows.append(_row(name, ttpm_name, None, "failed", None, f"{topo}; {res['error']}"))
        ttpm_seconds = None
    print(
        f"{name:24s} {ttpm_name:30s} {rows[-1]['seconds']!s:>8s} s  {rows[-1]['note']}", flush=True
    )
    ratios = []
    if ttpm_seconds is not None:
        for method, seconds in ours_seconds.items():
            ratio = ttpm_seconds / seconds
            text = f"{bound}{ratio:.0f}" if ratio >= 10 else f"{bound}{ratio:.1f}"
            ratios.append({"dataset": name, "method": method, "ratio": text})
    return rows, ratios


def print_tables(rows: list[dict], ratios: list[dict]) -> None:
    """The score table and the speed-ratio table, in Markdown."""
    print(
        "| data set | method | edges | precision | recall | F1 | SHD | g-score | seconds | CPU seconds |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['method']} | {_fmt(r['edges'], 'd')} | {_fmt(r['precision'], '.3f')} | "
            f"{_fmt(r['recall'], '.3f')} | {_fmt(r['f1'], '.3f')} | {_fmt(r['shd'], 'd')} | "
            f"{_fmt(r['g_score'], '.3f')} | {_fmt(r['seconds'], '.2f')} | {_fmt(r['cpu_seconds'], '.2f')} |"
        )
    print()
    print("| data set | ours | TTPM seconds / ours |")
    print("|---|---|---:|")
    for r in ratios:
        print(f"| {r['dataset']} | {r['method']} | {r['ratio']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--datasets", default="18V_55N_Wireless,24V_439N_Microwave,neurips2023_csl_sample"
    )
    parser.add_argument(
        "--cap", type=float, default=1800.0, help="wall-time cap of one TTPM run, seconds"
    )
    parser.add_argument(
        "--max-hop",
        type=int,
        default=2,
        help="TTPM max_hop where a topology exists (gCastle's example: 2); else 0",
    )
    parser.add_argument(
        "--max-iter",
        type=int,
        default=DEFAULT_MAX_ITER,
        help="TTPM max_iter (default 20); one edge change per sweep, so it bounds the edges found",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / "causal_ttpm.json"
    )
    parser.add_argument("--ttpm-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ttpm_child is not None:
        run_ttpm_child(args.ttpm_child, args.max_hop, args.max_iter, args.child_out)
        return 0

    problem = gcastle_problem()
    if problem is not None:
        print(
            f"gCastle is not importable ({problem}).\nInstall it beside the environment: {INSTALL}",
            file=sys.stderr,
        )
        return 2
    if not args.data.is_dir():
        print(f"data sets not found at {args.data}; set NETRCA_SHARED_DATASETS", file=sys.stderr)
        return 1

    names = args.datasets.split(",")
    rows, ratios = [], []
    for done, name in enumerate(names, 1):
        log = args.out.with_name(
            f"{args.out.stem}_{name}.log.tmp"
        )  # TTPM's own log (ignored by git)
        new_rows, new_ratios = benchmark_dataset(
            args.data / name, max_hop=args.max_hop, max_iter=args.max_iter, cap=args.cap, log=log
        )
        rows, ratios = rows + new_rows, ratios + new_ratios
        _write(
            args, rows, ratios, complete=done == len(names)
        )  # after each data set: long runs keep their results
    print()
    print_tables(rows, ratios)
    print(f"\nwrote {args.out}")
    return 0


def _write(
    args: argparse.Namespace, rows: list[dict], ratios: list[dict], *, complete: bool
) -> None:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = (
        f"PYTHONPATH=/tmp/gcastle_pkg nice python benchmarks/causal_ttpm.py --cap {args.cap:.0f} "
        f"--max-hop {args.max_hop} --max-iter {args.max_iter} --datasets {args.datasets}"
    )
    if args.out.resolve() != (REPO / "benchmarks" / "results" / "causal_ttpm.json").resolve():
        command += f" --out {args.out}"
    payload = {
        "command": command,
        "install": INSTALL,
        "complete": complete,
        "ttpm": {
            "version": _gcastle_version(),
            "max_hop": f"{args.max_hop} (0 without a topology file)",
            "max_iter": args.max_iter,
            **TTPM_PARAMS,
        },
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
        "python": platform.python_version(),
        "rows": rows,
        "ratios": ratios,
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n")


def _gcastle_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gcastle")
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
