"""Scoring on hand-written rankings; every expected number is worked out here, by hand."""

from __future__ import annotations

import doctest
import json
import math
from dataclasses import replace

import pytest

import rca.evaluation
from rca.evaluation import (
    Evaluation,
    expected_calibration_error,
    reliability_table,
    score_failure,
    score_incident,
    summarize,
)
from rca.incident import RootCause, Truth
from rca.result import Candidate, Evidence, RCAResult


def ranking(*entries, name="inc", seconds=0.01, confident=True, scores=None) -> RCAResult:
    """A result from entries ``"X"`` (a node down) or ``(entity, kind, fault)``, best first."""
    cands = []
    for i, e in enumerate(entries):
        entity, kind, fault = (e, "node", "node_down") if isinstance(e, str) else e
        score = scores[i] if scores is not None else 1.0 / (i + 2)
        cands.append(Candidate(i + 1, entity, kind, score, fault, "", (Evidence((entity,), ""),)))
    return RCAResult(name, tuple(cands), seconds, confident=confident)


def truth(*roots) -> Truth:
    """Roots ``"X"`` (a node down) or ``(entity, kind, fault)``."""
    return Truth(
        tuple(
            RootCause(r, "node", "node_down") if isinstance(r, str) else RootCause(*r)
            for r in roots
        )
    )


def filler(n: int) -> list[str]:
    return [f"F{i}" for i in range(n)]


def overall(ev: Evaluation) -> dict:
    return ev.to_frame().set_index("fault").loc["all"].to_dict()


# --- AC@k, Avg@5, MRR --------------------------------------------------------


# One root: AC@k is 1 once k reaches its rank (denominator min(k, 1) = 1).
@pytest.mark.parametrize(
    ("rank", "ac", "avg5", "mrr"),
    [
        (1, (1, 1, 1, 1, 1), 5 / 5, 1 / 1),
        (2, (0, 1, 1, 1, 1), 4 / 5, 1 / 2),
        (4, (0, 0, 0, 1, 1), 2 / 5, 1 / 4),
        (6, (0, 0, 0, 0, 0), 0 / 5, 1 / 6),
        (None, (0, 0, 0, 0, 0), 0 / 5, 0.0),
    ],
)
def test_single_root_at_each_rank(rank, ac, avg5, mrr):
    names = filler(7)
    if rank is not None:
        names[rank - 1] = "R"
    s = score_incident(ranking(*names), truth("R"))
    assert s.ranks == (rank,)
    assert s.ac == pytest.approx(ac)
    row = overall(summarize([s]))
    assert row["n"] == 1
    assert (row["AC@1"], row["AC@3"], row["AC@5"]) == pytest.approx((ac[0], ac[2], ac[4]))
    assert row["Avg@5"] == pytest.approx(avg5)
    assert row["MRR"] == pytest.approx(mrr)


def test_two_roots_divide_by_min_k_and_roots():
    # roots at ranks 1 and 3:
    # AC@1 = 1 / min(1, 2) = 1; AC@2 = 1 / min(2, 2) = 1/2; AC@3 = 2/2; AC@4 = 2 / min(4, 2) = 1; AC@5 = 1
    s = score_incident(ranking("X", "F1", "Y", "F2", "F3"), truth("X", "Y"))
    assert s.ranks == (1, 3)
    assert s.ac == pytest.approx((1.0, 0.5, 1.0, 1.0, 1.0))
    row = overall(summarize([s]))
    assert row["Avg@5"] == pytest.approx((1 + 0.5 + 1 + 1 + 1) / 5)  # 0.9
    assert row["MRR"] == pytest.approx((1 / 1 + 1 / 3) / 2)  # 2/3


def test_three_roots():
    # roots at ranks 1, 4, 5:
    # AC@1 = 1/min(1,3) = 1; AC@2 = 1/2; AC@3 = 1/3; AC@4 = 2/min(4,3) = 2/3; AC@5 = 3/3 = 1
    s = score_incident(ranking("X", "F1", "F2", "Y", "Z", "F3"), truth("X", "Y", "Z"))
    assert s.ranks == (1, 4, 5)
    assert s.ac == pytest.approx((1.0, 1 / 2, 1 / 3, 2 / 3, 1.0))
    row = overall(summarize([s]))
    assert row["Avg@5"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 2 / 3 + 1) / 5)  # 0.7
    assert row["MRR"] == pytest.approx((1 / 1 + 1 / 4 + 1 / 5) / 3)


def test_mrr_is_the_mean_over_all_roots_not_over_incidents():
    a = score_incident(ranking("F1", "R", "F2", name="a"), truth("R"))  # term 1/2
    b = score_incident(ranking("X", "F1", "F2", "Y", name="b"), truth("X", "Y"))  # terms 1, 1/4
    c = score_incident(ranking("F1", "F2", name="c"), truth("R"))  # term 0
    row = overall(summarize([a, b, c]))
    # four roots: (1/2 + 1 + 1/4 + 0) / 4 = 0.4375; per incident it would be (1/2 + 5/8 + 0) / 3 = 0.375
    assert row["MRR"] == pytest.approx(1.75 / 4)
    # AC@1 per incident: a 0, b 1/min(1,2) = 1, c 0
    assert row["AC@1"] == pytest.approx(1 / 3)
    # AC@3: a 1/1, b 1/min(3,2) = 1/2, c 0
    assert row["AC@3"] == pytest.approx((1 + 0.5 + 0) / 3)


def test_link_root_matches_whichever_way_round():
    s = score_incident(
        ranking(("A--B", "link", "link_down"), ("C--D", "link", "link_down")),
        truth(("B--A", "link", "link_down"), ("C--D", "link", "link_down")),
    )
    assert s.ranks == (1, 2)
    s = score_incident(
        ranking("F1", ("Y--X", "link", "link_down")), truth(("X--Y", "link", "link_down"))
    )
    assert s.ranks == (2,)
    assert s.ac[:2] == pytest.approx((0.0, 1.0))


def test_only_ids_with_one_separator_are_reordered():
    s = score_incident(
        ranking(("B--C--A", "link", "link_down")), truth(("A--B--C", "link", "link_down"))
    )
    assert s.ranks == (None,)


def test_root_of_another_kind_does_not_match():
    s = score_incident(
        ranking(("S1", "node", "node_down"), ("S1", "site", "site_power")),
        truth(("S1", "site", "site_power")),
    )
    assert s.ranks == (2,)
    assert not s.top_hit
    s = score_incident(ranking(("S1", "node", "node_down")), truth(("S1", "site", "site_power")))
    assert s.ranks == (None,) and s.ac == (0.0,) * 5


# --- failed incidents ------------------------------------------------------------


def test_failed_incident_is_a_miss_in_every_figure():
    good = [
        score_incident(ranking("R", "F1", name=n, seconds=t, scores=[0.9, 0.1]), truth("R"))
        for n, t in (("a", 0.010), ("b", 0.030))
    ]
    bad = score_failure("c", truth("R"), "ValueError: broken")
    assert bad.failed and bad.ranks == (None,) and bad.ac == (0.0,) * 5 and not bad.confident
    assert math.isnan(bad.top_score)
    ev = summarize(good + [bad])
    row = overall(ev)
    assert row["n"] == 3
    for col in ("AC@1", "AC@3", "AC@5", "Avg@5", "MRR", "AC@1_fault"):
        assert row[col] == pytest.approx(2 / 3), col
    # rank-1 confidences 0.9, 0.9 (hits) and NaN -> 0 (miss): 2/3 * |1 - 0.9| + 1/3 * |0 - 0|
    assert row["ECE"] == pytest.approx(2 / 3 * 0.1)
    # latency over the two that ran: median of 10 ms and 30 ms
    assert row["median_ms"] == pytest.approx(20.0)
    assert ev.failures == (("c", "ValueError: broken"),)
    assert ev.to_dict()["failures"] == [{"incident": "c", "error": "ValueError: broken"}]


def test_failure_given_as_a_pair_counts_as_one_missed_root():
    good = score_incident(ranking("R", "F1", name="a"), truth("R"))
    ev = summarize([good], [("lost", "KeyError: 'device'")])
    row = overall(ev)
    assert row["n"] == 2
    assert row["AC@1"] == pytest.approx(1 / 2) and row["MRR"] == pytest.approx(1 / 2)
    assert ev.failures == (("lost", "KeyError: 'device'"),)
    assert set(ev.to_frame()["fault"]) == {"node_down", "unknown", "all"}
    # building the Evaluation directly agrees, and a failure is not counted twice
    bad = score_failure("lost", None, "KeyError: 'device'")
    assert overall(Evaluation((good, bad), (("lost", "KeyError: 'device'"),)))["n"] == 2


def test_failure_keeps_every_root_of_its_truth():
    s = score_failure("c", truth("X", "Y"), "OSError: gone")
    ev = summarize([score_incident(ranking("R", name="a"), truth("R")), s])
    # roots: R at 1, X and Y absent: MRR = (1 + 0 + 0) / 3
    assert overall(ev)["MRR"] == pytest.approx(1 / 3)


# --- fault-aware accuracy ------------------------------------------------------


def test_fault_aware_accuracy_compares_families():
    wrong_family = score_incident(
        ranking(("R1", "node", "card_failure")), truth(("R1", "node", "node_down"))
    )
    assert wrong_family.top_hit and not wrong_family.top_fault_hit
    reboot = score_incident(
        ranking(("R1", "node", "node_down")), truth(("R1", "node", "node_reboot"))
    )
    assert reboot.top_hit and reboot.top_fault_hit
    wrong_entity = score_incident(
        ranking(("R2", "node", "node_down")), truth(("R1", "node", "node_down"))
    )
    assert not wrong_entity.top_hit and not wrong_entity.top_fault_hit
    cut = score_incident(
        ranking(("A--B", "link", "link_down")), truth(("B--A", "link", "fiber_cut"))
    )
    assert cut.top_fault_hit
    row = overall(summarize([wrong_family, reboot, wrong_entity, cut]))
    assert row["AC@1"] == pytest.approx(3 / 4)  # wrong_family, reboot, cut
    assert row["AC@1_fault"] == pytest.approx(2 / 4)  # reboot, cut


def test_fault_hit_needs_the_top_candidate_to_be_a_root():
    # the right fault family at rank 2 does not make a rank-1 fault hit
    s = score_incident(
        ranking(("R2", "node", "node_down"), ("R1", "node", "node_down")), truth("R1")
    )
    assert not s.top_fault_hit and s.ranks == (2,)


# --- calibration -----------------------------------------------------------------


def test_ece_weights_bins_by_their_size():
    conf = [0.85] * 4 + [0.25] * 2
    hits = [1, 1, 1, 0, 0, 0]
    # bin [0.8, 0.9): 4 answers, accuracy 3/4, mean 0.85; bin [0.2, 0.3): 2 answers, accuracy 0, mean 0.25
    expected = 4 / 6 * abs(0.75 - 0.85) + 2 / 6 * abs(
        0.0 - 0.25
    )  # 0.15 (unweighted it would be 0.175)
    assert expected_calibration_error(conf, hits) == pytest.approx(expected)
    assert expected_calibration_error(conf, [bool(h) for h in hits]) == pytest.approx(expected)


def test_evaluation_ece_is_over_rank_one_answers():
    scores = []
    for i, (score, hit) in enumerate(
        [(0.85, 1), (0.85, 1), (0.85, 1), (0.85, 0), (0.25, 0), (0.25, 0)]
    ):
        top = "R" if hit else "W"
        scores.append(
            score_incident(
                ranking(top, "R" if not hit else "W", name=f"i{i}", scores=[score, 0.05]),
                truth("R"),
            )
        )
    ev = summarize(scores)
    assert overall(ev)["ECE"] == pytest.approx(4 / 6 * 0.10 + 2 / 6 * 0.25)
    table = ev.reliability()
    assert list(table.columns) == ["bin_low", "bin_high", "n", "mean_score", "accuracy"]
    assert table["n"].sum() == 6


def test_reliability_table_rows():
    t = reliability_table([0.85] * 4 + [0.25] * 2, [1, 1, 1, 0, 0, 0])
    assert len(t) == 10
    assert t["bin_low"].tolist() == pytest.approx([i / 10 for i in range(10)])
    assert t["bin_high"].tolist() == pytest.approx([(i + 1) / 10 for i in range(10)])
    assert t["n"].tolist() == [0, 0, 2, 0, 0, 0, 0, 0, 4, 0]
    used = t[t["n"] > 0]
    assert used["mean_score"].tolist() == pytest.approx([0.25, 0.85])
    assert used["accuracy"].tolist() == pytest.approx([0.0, 0.75])
    assert t[t["n"] == 0]["accuracy"].isna().all()


def test_last_bin_is_closed_and_bins_include_their_low_edge():
    # 1.0 and 0.9 share the last bin: mean score 0.95, accuracy 1/2 -> |0.5 - 0.95|
    # (were 1.0 a bin of its own: 1/2 * |0 - 1| + 1/2 * |1 - 0.9| = 0.55)
    assert expected_calibration_error([1.0, 0.9], [0, 1]) == pytest.approx(0.45)
    t = reliability_table([1.0, 0.9, 0.3], [0, 1, 1])
    assert t["n"].tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 2]
    assert t.iloc[9]["mean_score"] == pytest.approx(0.95)


def test_nan_confidence_counts_as_zero():
    # NaN -> 0 joins 0.05 in bin [0, 0.1): mean score 0.025, accuracy 1/2
    assert expected_calibration_error([float("nan"), 0.05], [0, 1]) == pytest.approx(
        abs(0.5 - 0.025)
    )
    t = reliability_table([float("nan"), 0.05], [0, 1])
    assert t.iloc[0]["n"] == 2 and t.iloc[0]["mean_score"] == pytest.approx(0.025)
    # an answer with no candidates: NaN score, not a hit
    s = score_incident(ranking(), truth("R"))
    assert math.isnan(s.top_score) and not s.top_hit
    assert overall(summarize([s]))["ECE"] == pytest.approx(0.0)  # |0 - 0|


def test_calibration_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        expected_calibration_error([1.2], [1])
    with pytest.raises(ValueError, match="length"):
        reliability_table([0.5, 0.5], [1])
    assert math.isnan(expected_calibration_error([], []))


# --- the confident flag, to_dict, callers ------------------------------------


def test_confident_summary():
    rows = [(True, "R"), (True, "R"), (True, "W"), (False, "R"), (False, "W")]
    scores = [
        score_incident(ranking(top, name=f"i{i}", confident=c), truth("R"))
        for i, (c, top) in enumerate(rows)
    ]
    scores.append(score_failure("broken", truth("R"), "RuntimeError: x"))
    summary = summarize(scores).confident_summary()
    assert summary["n_confident"] == 3 and summary["AC@1_confident"] == pytest.approx(2 / 3)
    # not confident: one hit, one miss, the failure
    assert summary["n_not_confident"] == 3 and summary["AC@1_not_confident"] == pytest.approx(1 / 3)


def test_to_dict_is_json_with_the_new_figures():
    a = score_incident(ranking("R", "F1", name="a", scores=[0.8, 0.1]), truth("R"))
    b = score_incident(ranking(name="b", confident=False), truth(("L--K", "link", "link_down")))
    d = summarize([a, b], [("c", "ZeroDivisionError: boom")], method="explain").to_dict()
    json.dumps(d, allow_nan=False)  # NaN became null
    assert d["overall"]["n"] == 3
    assert d["overall"]["AC@1"] == pytest.approx(1 / 3) and d["overall"][
        "AC@1_fault"
    ] == pytest.approx(1 / 3)
    # rank-1 answers 0.8 (hit), none -> 0, failure -> 0: bin 8 n=1 |1 - 0.8|, bin 0 n=2 |0 - 0|
    assert d["overall"]["ECE"] == pytest.approx(1 / 3 * 0.2)
    assert set(d["per_fault"]) == {"node_down", "link_down", "unknown"}
    assert d["confident"] == {
        "n_confident": 1,
        "AC@1_confident": 1.0,
        "n_not_confident": 2,
        "AC@1_not_confident": 0.0,
    }
    assert len(d["reliability"]) == 10 and d["reliability"][8]["n"] == 1
    assert d["reliability"][8]["accuracy"] == 1.0 and d["reliability"][5]["accuracy"] is None
    inc = {i["incident"]: i for i in d["incidents"]}
    assert inc["a"]["top_score"] == 0.8 and inc["a"]["top_hit"] and inc["a"]["confident"]
    assert (
        inc["b"]["top_score"] is None and inc["b"]["ranks"] == [None] and not inc["b"]["confident"]
    )
    assert inc["c"]["error"] == "ZeroDivisionError: boom" and inc["c"]["AC@1"] == 0.0
    assert d["failures"] == [{"incident": "c", "error": "ZeroDivisionError: boom"}]


def test_existing_callers_still_work():
    # benchmarks relabel a score's fault and read the frame's old columns
    s = replace(score_incident(ranking("R", "F1"), truth("R")), fault="two_roots")
    frame = summarize([s], [], method="x").to_frame()
    assert list(frame["fault"]) == ["two_roots", "all"]
    for col in (
        "n",
        "AC@1",
        "AC@3",
        "AC@5",
        "Avg@5",
        "MRR",
        "median_ms",
        "p95_ms",
        "AC@1_fault",
        "ECE",
    ):
        assert col in frame.columns
    assert s.mrr_terms == [1.0]


def test_docstring_examples_run():
    failed, attempted = doctest.testmod(rca.evaluation, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted > 0 and failed == 0


# --- edges the figures above do not reach -----------------------------------------


def test_failure_score_fields():
    s = score_failure("c", truth("R"), "ValueError: broken")
    assert math.isnan(s.seconds) and s.confident is False and s.error == "ValueError: broken"
    assert s.mrr_terms == [0.0]


def test_latency_percentiles_in_milliseconds():
    # ran in 10 ms and 30 ms: median 20 ms; p95 by linear interpolation 10 + 0.95 * (30 - 10) = 29 ms
    good = [
        score_incident(ranking("R", name=n, seconds=t), truth("R"))
        for n, t in (("a", 0.010), ("b", 0.030))
    ]
    row = overall(summarize(good))
    assert row["median_ms"] == pytest.approx(20.0)
    assert row["p95_ms"] == pytest.approx(29.0)


def test_a_failed_incident_never_counts_in_the_latency_even_with_a_time():
    good = score_incident(ranking("R", name="a", seconds=0.010), truth("R"))
    # a benchmark that timed a ranker which then raised: the time is kept, the latency ignores it
    timed_failure = replace(
        score_incident(ranking("R", name="b", seconds=5.0), truth("R")), error="E: x"
    )
    row = overall(summarize([good, timed_failure]))
    assert row["median_ms"] == pytest.approx(10.0) and row["p95_ms"] == pytest.approx(10.0)
    assert row["AC@1"] == pytest.approx(
        1.0
    )  # its scores are what they are; only the latency drops it


def test_all_failed_has_no_latency():
    row = overall(summarize([score_failure("a", truth("R"), "E: x")]))
    assert row["n"] == 1 and row["AC@1"] == 0.0
    assert math.isnan(row["median_ms"]) and math.isnan(row["p95_ms"])


def test_an_empty_evaluation_is_all_nan_not_an_error():
    ev = summarize([])
    row = overall(ev)
    assert row["n"] == 0
    for col in ("AC@1", "AC@3", "AC@5", "Avg@5", "MRR", "AC@1_fault", "ECE", "median_ms", "p95_ms"):
        assert math.isnan(row[col]), col
    assert ev.confident_summary() == {
        "n_confident": 0,
        "AC@1_confident": pytest.approx(float("nan"), nan_ok=True),
        "n_not_confident": 0,
        "AC@1_not_confident": pytest.approx(float("nan"), nan_ok=True),
    }
    d = ev.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["method"] == "explain" and d["overall"]["AC@1"] is None and d["incidents"] == []


def test_one_bin_is_allowed_and_zero_bins_are_not():
    # a single bin [0, 1]: |mean hits - mean confidence| = |2/3 - (0.9 + 0.6 + 0.3) / 3|
    assert expected_calibration_error([0.9, 0.6, 0.3], [1, 1, 0], n_bins=1) == pytest.approx(
        abs(2 / 3 - 0.6)
    )
    t = reliability_table([0.9, 0.6, 0.3], [1, 1, 0], n_bins=1)
    assert t[["bin_low", "bin_high", "n"]].values.tolist() == [[0.0, 1.0, 3]]
    with pytest.raises(ValueError, match="n_bins must be at least 1, got 0"):
        expected_calibration_error([0.5], [1], n_bins=0)


def test_calibration_accepts_any_shape_and_none_as_no_answer():
    # a column of confidences is flattened; None (a null top_score read back from JSON) counts as 0
    assert expected_calibration_error([[0.85], [0.25]], [1, 0]) == pytest.approx(
        0.5 * 0.15 + 0.5 * 0.25
    )
    assert expected_calibration_error([0.85, 0.25], [[1], [0]]) == pytest.approx(
        0.5 * 0.15 + 0.5 * 0.25
    )
    assert reliability_table([[0.85], [0.25]], [[1], [0]])["n"].sum() == 2
    assert expected_calibration_error([0.85, None], [1, 0]) == pytest.approx(0.5 * 0.15 + 0.5 * 0.0)
    d = summarize(
        [
            score_incident(ranking(name="none"), truth("R")),
            score_incident(ranking("R", name="hit", scores=[0.85]), truth("R")),
        ]
    ).to_dict()
    back = [i["top_score"] for i in d["incidents"]]
    assert back == [None, 0.85]
    assert expected_calibration_error(
        back, [i["top_hit"] for i in d["incidents"]]
    ) == pytest.approx(d["overall"]["ECE"])


def test_reliability_of_an_evaluation_takes_its_bins():
    scores = [
        score_incident(ranking("R", name=f"i{k}", scores=[s]), truth("R"))
        for k, s in enumerate((0.1, 0.6, 0.9))
    ]
    table = summarize(scores).reliability(n_bins=4)
    assert table["bin_low"].tolist() == [0.0, 0.25, 0.5, 0.75]
    assert table["n"].tolist() == [1, 0, 1, 1]


def test_confident_groups_use_ac_at_1():
    # confident, root at rank 2: AC@1 0 (AC@2 would be 1); not confident: roots at ranks 1 and 2, AC@1 (1 + 0) / 2
    a = score_incident(ranking("W", "R", name="a", confident=True), truth("R"))
    b = score_incident(ranking("R", "W", name="b", confident=False), truth("R"))
    c = score_incident(ranking("W", "R", name="c", confident=False), truth("R"))
    summary = summarize([a, b, c]).confident_summary()
    assert summary == {
        "n_confident": 1,
        "AC@1_confident": 0.0,
        "n_not_confident": 2,
        "AC@1_not_confident": 0.5,
    }
    assert [i["AC@1"] for i in summarize([a, b, c]).to_dict()["incidents"]] == [0.0, 1.0, 0.0]


def test_to_dict_keys_and_incident_rows():
    a = score_incident(ranking("W", "R", name="a", seconds=0.25, scores=[0.7, 0.2]), truth("R"))
    d = summarize([a], method="fused").to_dict()
    assert d["method"] == "fused"
    assert list(d) == [
        "method",
        "overall",
        "per_fault",
        "confident",
        "reliability",
        "incidents",
        "failures",
    ]
    figures = [
        "n",
        "AC@1",
        "AC@3",
        "AC@5",
        "Avg@5",
        "MRR",
        "AC@1_fault",
        "ECE",
        "median_ms",
        "p95_ms",
    ]
    assert list(d["overall"]) == figures and list(d["per_fault"]["node_down"]) == figures
    assert d["incidents"] == [
        {
            "incident": "a",
            "fault": "node_down",
            "ranks": [2],
            "AC@1": 0.0,
            "seconds": 0.25,
            "top_score": 0.7,
            "top_hit": False,
            "top_fault_hit": False,
            "confident": True,
            "error": None,
        }
    ]
    assert list(d["reliability"][0]) == ["bin_low", "bin_high", "n", "mean_score", "accuracy"]


def test_summarize_defaults_and_passes_the_method():
    s = score_incident(ranking("R"), truth("R"))
    assert summarize([s]).method == "explain"
    assert summarize([s], method="gnn").to_dict()["method"] == "gnn"
    assert summarize([s], None, "attribution").method == "attribution"


def test_plain_makes_numpy_scalars_python_ones():
    import numpy as np

    from rca.evaluation import _plain

    for value, expected in ((np.int64(3), 3), (np.float64(0.5), 0.5), (np.bool_(True), True)):
        out = _plain(value)
        assert out == expected and type(out) is type(expected)
    assert _plain(np.float64("nan")) is None and _plain(float("nan")) is None and _plain("x") == "x"
