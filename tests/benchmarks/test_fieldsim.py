"""Tests of the fieldsim incident generator (benchmarks/fieldsim).

fieldsim is held-out test data: these tests check only that its output
follows the incident-format contract and its own promises, never how any
ranker does on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))

import fieldsim  # noqa: E402
from fieldsim import FAULT_TYPES, generate_corpus, make_incident, write_incident  # noqa: E402
from fieldsim.backbone import zoo_dir  # noqa: E402
from fieldsim.faults import eligible  # noqa: E402
from fieldsim.network import build_network  # noqa: E402

NODE_COLS = {"node_id", "node_type", "site", "layer", "lat", "lon", "gateway"}
LINK_COLS = {"link_id", "source", "target", "link_type", "capacity_mbps"}
ALARM_COLS = {"timestamp", "device", "alarm_type", "severity", "link_id", "message"}
METRIC_COLS = ["timestamp", "entity", "metric", "value"]


def _parse_times(col: pd.Series) -> pd.Series:
    """Parse a timestamp column the way the contract allows (ISO or epoch)."""
    if pd.api.types.is_numeric_dtype(col):
        return pd.to_datetime(col, unit="s", utc=True)
    return pd.to_datetime(col, utc=True, format="ISO8601")


def check_folder(folder: Path) -> dict:
    """Assert that one written incident folder follows the contract."""
    nodes = pd.read_csv(folder / "nodes.csv", dtype={"node_id": str, "site": str})
    links = pd.read_csv(folder / "links.csv", dtype={"link_id": str, "source": str, "target": str})
    alarms = pd.read_csv(
        folder / "alarms.csv", dtype={"device": str, "link_id": str}, keep_default_na=False
    )
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert NODE_COLS <= set(nodes.columns)
    assert LINK_COLS <= set(links.columns)
    assert ALARM_COLS <= set(alarms.columns)
    assert nodes["node_id"].is_unique
    assert links["link_id"].is_unique
    assert set(nodes["gateway"].astype(str).str.lower()) <= {"true", "false"}
    assert (nodes["gateway"].astype(str).str.lower() == "true").any()
    known = set(nodes["node_id"])
    # links reference known nodes, except the documented stale rows
    stale = {s["link_id"]: s["missing_node"] for s in truth["fieldsim"]["stale_links"]}
    bad = links[~links["source"].isin(known) | ~links["target"].isin(known)]
    assert set(bad["link_id"]) == set(stale)
    for _, r in bad.iterrows():
        assert stale[r["link_id"]] in (r["source"], r["target"])
        assert stale[r["link_id"]] not in known
    # alarms: parseable times, required fields filled
    assert len(alarms) > 0
    assert _parse_times(alarms["timestamp"]).notna().all()
    assert (alarms["device"].str.len() > 0).all()
    assert (alarms["alarm_type"].str.len() > 0).all()
    # truth: entities exist with the right kind
    roots = truth["root_causes"]
    assert roots
    sites = set(nodes["site"])
    for r in roots:
        assert r["fault"] in FAULT_TYPES
        assert r["kind"] in ("node", "link", "site")
        target = {"node": known, "link": set(links["link_id"]), "site": sites}[r["kind"]]
        assert r["entity"] in target
        pd.Timestamp(r["time"])
    w = truth["fieldsim"]["window"]
    for r in roots:
        assert pd.Timestamp(w["start"]) <= pd.Timestamp(r["time"]) <= pd.Timestamp(w["end"])
    if (folder / "metrics.csv").exists():
        m = pd.read_csv(folder / "metrics.csv", dtype={"entity": str})
        assert list(m.columns) == METRIC_COLS
        assert _parse_times(m["timestamp"]).notna().all()
        assert set(m["entity"]) <= known | set(links["link_id"])
        assert np.isfinite(m["value"]).all()
    return truth


@pytest.mark.parametrize(
    "size,seed", [("small", 1), ("small", 2), ("small", 3), ("small", 4), ("medium", 5)]
)
def test_written_folder_follows_spec(tmp_path: Path, size: str, seed: int) -> None:
    inc = make_incident(size, seed)
    check_folder(write_incident(inc, tmp_path / "inc"))


def test_sizes_are_in_range() -> None:
    for size, (lo, hi) in (("small", (40, 80)), ("medium", (150, 400))):
        for seed in range(3):
            n = len(make_incident(size, seed).nodes)
            assert lo <= n <= hi, (size, seed, n)


def test_reproducible_from_random_state() -> None:
    a = make_incident("small", 11)
    b = make_incident("small", 11)
    for x, y in ((a.nodes, b.nodes), (a.links, b.links), (a.alarms, b.alarms)):
        pd.testing.assert_frame_equal(x, y)
    assert (a.metrics is None) == (b.metrics is None)
    if a.metrics is not None:
        pd.testing.assert_frame_equal(a.metrics, b.metrics)
    assert a.truth == b.truth
    c = make_incident("small", 12)
    assert not a.alarms.equals(c.alarms)


def _digest_in_subprocess(hashseed: str) -> str:
    code = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[1]); import fieldsim; "
        "i = fieldsim.make_incident('small', 21, 'fiber_cut'); "
        "print(hashlib.sha256((i.alarms.to_csv() + i.links.to_csv() + str(i.truth)).encode()).hexdigest())"
    )
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "benchmarks")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_reproducible_across_hash_seeds() -> None:
    assert _digest_in_subprocess("1") == _digest_in_subprocess("987")


@pytest.mark.parametrize("size", ["small", "medium"])
def test_every_fault_type_can_be_generated(size: str) -> None:
    for k, f in enumerate(FAULT_TYPES):
        inc = make_incident(size, 40 + k, f)
        assert inc.truth["root_causes"][0]["fault"] == f
        origins = np.array(inc.origins)
        assert len(origins) == len(inc.alarms)


def test_every_fault_type_is_possible_in_large_networks() -> None:
    for seed in (0, 1):
        net = build_network("large", np.random.default_rng(seed), zoo_dir())
        assert 1000 <= len(net.elements) <= 2500
        for f in FAULT_TYPES:
            assert eligible(net, f), f


def test_large_incident() -> None:
    inc = make_incident("large", 3, "site_power")
    assert 1000 <= len(inc.nodes) <= 2500
    assert inc.truth["root_causes"][0]["kind"] == "site"
    assert len(inc.alarms) > 50


@pytest.mark.parametrize("fault", FAULT_TYPES)
def test_forced_fault_is_first_root(fault: str) -> None:
    inc = make_incident("small", 77, fault)
    first = inc.truth["root_causes"][0]
    assert first["fault"] == fault
    kind = {
        "site_power": "site",
        "link_down": "link",
        "fiber_cut": "link",
        "microwave_fading": "link",
        "congestion": "link",
    }.get(fault, "node")
    assert first["kind"] == kind
    if fault == "fiber_cut":
        cut = [r for r in inc.truth["root_causes"] if r["fault"] == "fiber_cut"]
        assert len(cut) >= 2 and len({r["entity"] for r in cut}) == len(cut)
    if fault == "microwave_fading":
        lk = inc.links.set_index("link_id").loc[first["entity"]]
        assert lk["link_type"] == "microwave"


def test_unknown_fault_rejected() -> None:
    with pytest.raises(ValueError):
        make_incident("small", 1, "meteor_strike")


def test_background_alarms_exist() -> None:
    bg_types: set[str] = set()
    for seed in range(6):
        inc = make_incident("small", 200 + seed)
        origins = np.array(inc.origins)
        assert (origins == "bg").sum() > 0
        bg_types |= set(inc.alarms["alarm_type"][origins == "bg"])
    assert len(bg_types) >= 10


@pytest.mark.slow
def test_some_incidents_have_two_independent_roots() -> None:
    found = 0
    for seed in range(60):
        inc = make_incident("small", 1000 + seed)
        roots = inc.truth["root_causes"]
        distinct = {(r["fault"], r["entity"]) for r in roots}
        assert len(distinct) == len(roots)
        faults = [r["fault"] for r in roots]
        if len(roots) > 1 and not (set(faults) == {"fiber_cut"}):
            found += 1
    assert 1 <= found <= 20


def test_generate_corpus_layout_and_balance(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, 10, size="small", seed=2)
    assert [p.name for p in paths] == [f"small-2-{i:03d}" for i in range(10)]
    for i, p in enumerate(paths):
        truth = json.loads((p / "truth.json").read_text(encoding="utf-8"))
        assert truth["root_causes"][0]["fault"] == FAULT_TYPES[i % len(FAULT_TYPES)]
        assert truth["fieldsim"]["random_state"] == 2 * 100000 + i
    check_folder(paths[0])


def test_cli(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "fieldsim"),
            str(tmp_path / "c"),
            "--n",
            "2",
            "--size",
            "small",
            "--seed",
            "4",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(out.stdout.strip().splitlines()) == 1
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["small-4-000", "small-4-001"]


def test_synthetic_backbone_without_zoo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fieldsim, "zoo_dir", lambda: None)
    inc = make_incident("small", 9, "link_down")
    assert inc.truth["fieldsim"]["backbone"] == "synthetic"
    check_folder(write_incident(inc, tmp_path / "syn"))


@pytest.mark.shared
@pytest.mark.skipif(zoo_dir() is None, reason="Topology Zoo folder absent")
def test_zoo_backbones_vary() -> None:
    names = {make_incident("small", s).truth["fieldsim"]["backbone"] for s in range(6)}
    assert all(n.startswith("zoo:") for n in names)
    assert len(names) >= 3


def test_alarm_file_is_hostile_but_readable(tmp_path: Path) -> None:
    """Out-of-order rows, skewed clocks and odd text must survive a CSV round trip."""
    inc = make_incident("medium", 8)
    folder = write_incident(inc, tmp_path / "x")
    back = pd.read_csv(folder / "alarms.csv", keep_default_na=False, dtype=str)
    assert len(back) == len(inc.alarms)
    assert list(back["message"]) == [str(m) for m in inc.alarms["message"]]
    assert list(back["device"]) == [str(d) for d in inc.alarms["device"]]
