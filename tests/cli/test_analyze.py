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
