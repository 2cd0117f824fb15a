import json

from click.testing import CliRunner

from rca.cli import main
from rca.incident import RootCause, Truth
from tests._builders import background, incident, small_network


def write_incident(folder, rows, root):
    inc = incident(small_network(), rows, name=folder.name)
    inc.truth = Truth((RootCause(root, "node" if "--" not in root else "link", "x"),))
    return inc.write(folder)


NODE_DOWN = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"), (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None), (96, "B3", "NE_COMM_LOST", None), (97, "B4", "NE_COMM_LOST", None)]


def test_analyze_json_follows_spec(tmp_path):
    folder = write_incident(tmp_path / "inc1", NODE_DOWN, "S3")
    out = CliRunner().invoke(main, ["analyze", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["incident"] == str(folder)
    top = data["candidates"][0]
    assert (top["rank"], top["entity"], top["kind"]) == (1, "S3", "node")
    assert top["evidence"][0]["path"][0] == "S3"


def test_analyze_table_is_readable(tmp_path):
    folder = write_incident(tmp_path / "inc1", NODE_DOWN, "S3")
    out = CliRunner().invoke(main, ["analyze", str(folder)])
    assert out.exit_code == 0, out.output
    assert "S3" in out.output and "path: S3 -> " in out.output and "why:" in out.output


def test_batch_survives_a_bad_incident(tmp_path):
    write_incident(tmp_path / "good", NODE_DOWN, "S3")
    bad = tmp_path / "bad"
    small_network().write_csv(bad)
    (bad / "alarms.csv").write_text("when,device\n1,S3\n")
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json"])
    assert out.exit_code == 1
    answers = json.loads(out.stdout)
    assert [a["incident"] for a in answers] == ["good"]
    assert "bad" in out.stderr and "timestamp" in out.stderr


def test_evaluate_reports_metrics(tmp_path):
    write_incident(tmp_path / "a", NODE_DOWN, "S3")
    write_incident(tmp_path / "b", [(2, "S1", "LOS", "S1--S2"), (3, "S2", "LINK_DOWN", "S1--S2")], "S1--S2")
    out = CliRunner().invoke(main, ["evaluate", str(tmp_path), "--json", "--no-progress"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["overall"]["AC@1"] == 1.0 and data["overall"]["MRR"] == 1.0
    assert data["overall"]["n"] == 2


def test_missing_folder_is_a_clean_error(tmp_path):
    out = CliRunner().invoke(main, ["analyze", str(tmp_path / "nope")])
    assert out.exit_code == 2 and "does not exist" in out.output


def test_cli_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys; from rca.cli import main; import rca; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


# --------------------------------------------------------------- hardened batches
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import rca.analysis

REPO = Path(__file__).resolve().parents[2]


def batch(tmp_path, n=3):
    for k in range(n):
        write_incident(tmp_path / f"inc{k}", NODE_DOWN, "S3")
    return tmp_path


def test_batch_survives_unexpected_exceptions(tmp_path, monkeypatch):
    batch(tmp_path)
    real = rca.analysis.analyze

    def flaky(inc, **kwargs):
        if inc.name == "inc1":
            raise TypeError("a bug in a ranker")
        return real(inc, **kwargs)

    monkeypatch.setattr(rca.analysis, "analyze", flaky)
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json"])
    assert out.exit_code == 1
    assert [a["incident"] for a in json.loads(out.stdout)] == ["inc0", "inc2"]
    assert f"error: {tmp_path / 'inc1'}: internal error (TypeError): a bug in a ranker" in out.stderr


@pytest.mark.parametrize("damage", ["latin1_truth", "epoch_ns", "inf_timestamp"])
def test_damaged_incident_never_costs_the_batch_its_answers(tmp_path, damage):
    batch(tmp_path)
    bad = tmp_path / "inc1"
    if damage == "latin1_truth":
        (bad / "truth.json").write_bytes(b'{"root_causes": [{"entity": "S3\xe9", "kind": "node"}]}')
    else:
        alarms = (bad / "alarms.csv").read_text().splitlines()
        head, rows = alarms[0], alarms[1:]
        cells = [r.split(",", 1) for r in rows]
        if damage == "epoch_ns":
            from rca._time import parse_timestamps
            import pandas as pd

            secs = parse_timestamps(pd.Series([c[0] for c in cells]))[0]
            rows = [f"{int(s) * 10**9},{c[1]}" for s, c in zip(secs, cells)]
        else:
            rows[0] = "inf," + cells[0][1]
        (bad / "alarms.csv").write_text("\n".join([head] + rows) + "\n")
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json", "--html", str(tmp_path / "reports")])
    answers = json.loads(out.stdout)
    if damage == "latin1_truth":
        assert out.exit_code == 1 and "inc1" in out.stderr and "truth.json:1: not UTF-8" in out.stderr
        assert [a["incident"] for a in answers] == ["inc0", "inc2"]
    else:   # read in the right unit, or the bad row dropped and reported: every incident answered
        assert out.exit_code == 0, out.stderr
        assert [a["incident"] for a in answers] == ["inc0", "inc1", "inc2"]
        assert answers[1]["candidates"][0]["entity"] == "S3"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        f"{a['incident']}.html" for a in answers]


def test_report_that_cannot_be_written_is_that_incidents_error(tmp_path):
    batch(tmp_path)
    reports = tmp_path / "reports"
    (reports / "inc1.html").mkdir(parents=True)          # a folder where the page should go
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json", "--html", str(reports)])
    assert out.exit_code == 1
    assert "inc1" in out.stderr and "report not written" in out.stderr
    assert [a["incident"] for a in json.loads(out.stdout)] == ["inc0", "inc1", "inc2"]
    assert (reports / "inc0.html").is_file() and (reports / "inc2.html").is_file()


def test_jsonl_prints_one_answer_per_line(tmp_path):
    batch(tmp_path)
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--jsonl"])
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert [json.loads(line)["incident"] for line in lines] == ["inc0", "inc1", "inc2"]


@pytest.mark.parametrize("how, code", [("sigint", 130), ("sigterm", 143)])
def test_interrupted_batch_closes_the_json_list(tmp_path, monkeypatch, how, code):
    batch(tmp_path)
    real = rca.analysis.analyze

    def interrupt_at_second(inc, **kwargs):
        if inc.name == "inc1":
            if how == "sigint":
                raise KeyboardInterrupt
            os.kill(os.getpid(), signal.SIGTERM)
        return real(inc, **kwargs)

    monkeypatch.setattr(rca.analysis, "analyze", interrupt_at_second)
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json"])
    assert out.exit_code == code
    assert [a["incident"] for a in json.loads(out.stdout)] == ["inc0"]   # valid JSON, with the answers so far
    assert "interrupted after" in out.stderr
    assert signal.getsignal(signal.SIGTERM) is not None


def test_answers_are_identical_run_to_run_unless_timing_is_asked(tmp_path):
    folder = write_incident(tmp_path / "inc1", NODE_DOWN, "S3")
    runs = [CliRunner().invoke(main, ["analyze", str(folder), "--json"]).stdout for _ in range(2)]
    assert runs[0] == runs[1] and "seconds" not in json.loads(runs[0])
    timed = CliRunner().invoke(main, ["analyze", str(folder), "--json", "--timing"]).stdout
    assert json.loads(timed)["seconds"] >= 0


def test_subfolders_without_alarms_are_named(tmp_path):
    batch(tmp_path, 2)
    (tmp_path / "notes").mkdir()
    (tmp_path / ".cache").mkdir()
    out = CliRunner().invoke(main, ["analyze", str(tmp_path), "--json"])
    assert out.exit_code == 0
    assert "1 subfolder(s) without alarms.csv skipped: notes" in out.stderr


@pytest.mark.parametrize("target", ["folder", "symlink"])
def test_html_path_that_is_a_folder_or_a_link_is_a_clean_error(tmp_path, target):
    folder = write_incident(tmp_path / "inc1", NODE_DOWN, "S3")
    out_path = tmp_path / "out.html"
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    if target == "folder":
        out_path.mkdir()
    else:
        out_path.symlink_to(precious)
    out = CliRunner().invoke(main, ["analyze", str(folder), "--html", str(out_path)])
    assert out.exit_code == 1 and out.stderr.startswith("Error: ") and "Traceback" not in out.output
    assert ("directory" if target == "folder" else "symbolic link") in out.stderr
    assert precious.read_text() == "keep me"


def test_warnings_never_carry_terminal_escapes(tmp_path):
    folder = write_incident(tmp_path / "inc1", NODE_DOWN, "S3")
    with (folder / "alarms.csv").open("a") as f:
        f.write("2026-03-01T10:00:09Z,\x1b[2J\x1b]0;pwned\x07EVIL,LOS,major,,\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "rca", "analyze", str(folder)], capture_output=True, env=env)
    assert done.returncode == 0, done.stderr
    assert b"unknown_device" in done.stderr and b"\\x1b[2J" in done.stderr
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr and b"\x1b" not in done.stdout


def test_the_table_says_whether_the_root_is_confident_and_which_answers_are_tied():
    from rca.cli._common import format_result
    from rca.result import Candidate, Evidence, RCAResult

    def cand(rank, entity, kind, score):
        return Candidate(rank, entity, kind, score, "node_down" if kind == "node" else "link_down",
                         f"{entity} explains it", (Evidence((entity,), "why"),))

    cands = (cand(1, "B4", "node", 0.45), cand(2, "B3--B4", "link", 0.44), cand(3, "S3", "node", 0.05))
    text = format_result(RCAResult("x", cands, 0.01, confident=False, ties=((1, 2),)))
    assert "no confident root: the likeliest, B4 (node_down), has probability 0.45" in text
    rows = [line for line in text.splitlines() if line.strip().startswith(("1 ", "2 ", "3 "))]
    assert rows[0].endswith("0.45  tied with rank 2") and rows[1].endswith("0.44  tied with rank 1")
    assert "tied" not in rows[2]
    text = format_result(RCAResult("x", cands[:1], 0.01, confident=True))
    assert "root cause: B4 (node_down), probability 0.45" in text and "no confident" not in text
