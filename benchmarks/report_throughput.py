"""Throughput of ``rca report``: 1,000 medium incident folders reported, on the local cores.

The folders are ``--distinct`` medium twin incidents (``rca simulate``, seed
``--seed``), each repeated until there are ``--n`` folders (the copies link
to the same files: simulating 1,000 medium incidents takes longer than
reporting them, and a copy costs the report exactly what the original does).
Every folder is read, segmented, analysed (explain) and rendered; the
command is the README's::

    rca report DIR --out OUT --jobs J --no-progress

    python benchmarks/report_throughput.py --n 1000 --jobs 2

Writes benchmarks/results/report_throughput.json (netrca version, git commit,
command, wall time, incidents per second, the machine's load before the run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _provenance import git_commit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _cpu_per_folder(folders: list[Path]) -> float:
    """CPU seconds one folder costs (read, segment, analyse, render), measured in this process."""
    sys.path.insert(0, str(ROOT))
    from rca._report._batch import BatchOptions, Task, run_task

    run_task(Task("warm-up", path=str(folders[0])), BatchOptions())
    started = time.process_time()
    for f in folders:
        run_task(Task(f.name, path=str(f)), BatchOptions())
    return (time.process_time() - started) / len(folders)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1000, help="incident folders to report")
    p.add_argument(
        "--distinct", type=int, default=50, help="distinct simulated incidents among them"
    )
    p.add_argument("--size", default="medium")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument(
        "--cpu-sample",
        type=int,
        default=20,
        help="folders also run in this process, timing its CPU (the cost of a folder, load aside)",
    )
    p.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for the inputs and the report (default: a temporary one)",
    )
    p.add_argument("--out", type=Path, default=HERE / "results" / "report_throughput.json")
    args = p.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="rca-throughput-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rca_cmd = [sys.executable, "-m", "rca"]
    distinct = work / f"distinct-{args.size}-{args.seed}-{args.distinct}"
    if not distinct.exists():
        subprocess.run(
            rca_cmd
            + [
                "simulate",
                str(distinct),
                "--n",
                str(args.distinct),
                "--size",
                args.size,
                "--seed",
                str(args.seed),
            ],
            check=True,
            env=env,
            stderr=subprocess.DEVNULL,
        )
    sources = sorted(p for p in distinct.iterdir() if (p / "alarms.csv").exists())
    inputs = work / f"inputs-{args.n}"
    if inputs.exists():
        shutil.rmtree(inputs)
    for i in range(args.n):
        src = sources[i % len(sources)]
        dst = inputs / f"{i:04d}-{src.name}"
        dst.mkdir(parents=True)
        for f in src.iterdir():
            os.symlink(f, dst / f.name)
    cpu = _cpu_per_folder(sources[: args.cpu_sample]) if args.cpu_sample else None
    out = work / "report"
    if out.exists():
        shutil.rmtree(out)
    load = os.getloadavg()
    command = rca_cmd[2:] + [
        "report",
        str(inputs),
        "--out",
        str(out),
        "--jobs",
        str(args.jobs),
        "--no-progress",
    ]
    started = time.perf_counter()
    proc = subprocess.run(rca_cmd + command[1:], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    results = json.loads((out / "results.json").read_text())
    failed = [r for r in results if r.get("error")]
    pages = list((out / "incidents").iterdir())
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "")
    print(proc.stdout.strip())
    print(
        f"{args.n} folders ({args.distinct} distinct {args.size} incidents) -> {len(results)} incidents, "
        f"{len(failed)} failed, {len(pages)} pages, {size / 1e6:.1f} MB in all; {wall:.1f} s with {args.jobs} "
        f"jobs = {args.n / wall:.2f} folders/s (load before: {load[0]:.2f})"
    )
    if cpu is not None:
        print(
            f"one folder costs {cpu:.3f} s of CPU in one process ({args.cpu_sample} folders): {args.n} folders "
            f"are {args.n * cpu:.0f} CPU-seconds, {args.n * cpu / args.jobs:.0f} s on {args.jobs} idle cores"
        )
    commit = git_commit(short=False) or "unknown"
    import rca

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "netrca_version": rca.__version__,
                "commit": commit,
                "command": "python benchmarks/report_throughput.py "
                + " ".join(argv or sys.argv[1:]),
                "report_command": "rca " + " ".join(command[1:]),
                "folders": args.n,
                "distinct": args.distinct,
                "size": args.size,
                "jobs": args.jobs,
                "cpus": os.cpu_count(),
                "wall_seconds": wall,
                "folders_per_second": args.n / wall,
                "incidents": len(results),
                "failed": len(failed),
                "pages": len(pages),
                "output_megabytes": size / 1e6,
                "load_before": load,
                "load_after": os.getloadavg(),
                "cpu_seconds_per_folder": cpu,
                "cpu_sample": args.cpu_sample,
                "exit_code": proc.returncode,
            },
            indent=1,
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
