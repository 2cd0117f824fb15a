"""``rca propagate`` and ``rca analyze --method gnn/fused`` on incident folders."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rca.cli import main
from rca.incident import RootCause, Truth
from tests._builders import background, incident, small_network

NODE_DOWN_S3 = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"),
    (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None),
    (96, "B3", "NE_COMM_LOST", None),
    (97, "B4", "NE_COMM_LOST", None),
]


@pytest.fixture()
def folder(tmp_path):
    inc = incident(small_network(), NODE_DOWN_S3, name="inc")
    inc.truth = Truth((RootCause("S3", "node", "node_down"),))
    return inc.write(tmp_path / "inc")


def test_propagate_json(folder):
    out = CliRunner().invoke(main, ["propagate", str(folder), "--fault", "node_down:S3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["fault"], data["entity"]) == ("node_down", "S3")
    probs = [a["probability"] for a in data["affected"]]
    assert probs == sorted(probs, reverse=True) and all(0.5 <= p <= 1 for p in probs)
    names = {a["entity"] for a in data["affected"]}
    assert {"S3", "B3", "B4"} <= names  # the element and what it cuts off
    assert all(a["delay_s"] >= 0 for a in data["affected"])


def test_propagate_table_and_threshold(folder):
    out = CliRunner().invoke(
        main, ["propagate", str(folder), "--fault", "site_power:SITE3", "--threshold", "0"]
    )
    assert out.exit_code == 0, out.output
    assert "site_power at SITE3: 10 elements" in out.output


@pytest.mark.parametrize(
    "spec, code, message",
    [
        ("S3", 2, "expected KIND:ENTITY"),  # usage errors: click's exit code 2
        ("meteor:S3", 2, "unknown fault type 'meteor'"),
        (
            "link_down:S3",
            1,
            "link_down fault hits a link",
        ),  # library errors: a clean message, exit code 1
        ("node_down:NOPE", 1, "NOPE"),
    ],
)
def test_propagate_bad_fault_spec(folder, spec, code, message):
    out = CliRunner().invoke(main, ["propagate", str(folder), "--fault", spec, "--json"])
    assert out.exit_code == code and message in out.output
    assert "Traceback" not in out.output


@pytest.mark.parametrize("method", ["gnn", "fused"])
def test_analyze_with_gnn_and_fused(folder, method):
    out = CliRunner().invoke(main, ["analyze", str(folder), "--method", method, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["method"] == method
    top = data["candidates"][0]
    assert (top["entity"], top["kind"]) == ("S3", "node") and top["evidence"][0]["path"][0] == "S3"
