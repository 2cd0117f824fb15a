"""Property-based fuzzing of the incident readers, the ranker's inputs and the report.

Hypothesis generates small incidents on the hand-built network, damages them
(truncations, encodings, quotes, field counts, timestamp units, row
shuffles, hostile text) and checks what must hold whatever the damage:

* reading never raises anything but :class:`rca.InputError` (a clear error
  that names the file), and analysis never raises at all;
* every alarm row of the file is used, or reported (dropped, or read as the
  text of a multi-line field);
* the answer does not depend on the order of the rows of any file;
* untrusted text reaches the HTML page only escaped.

The examples are few and small so that the suite stays within CI's time;
``benchmarks/fuzz_inputs.py`` runs a longer campaign.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rca import InputError, read_incident  # noqa: E402
from rca.analysis import analyze  # noqa: E402
from tests._builders import T0, small_network  # noqa: E402

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NODES = ["C1", "C2", "A1", "A2", "S1", "S2", "S3", "B2", "B3", "B4"]
LINKS = ["A1--S1", "S1--S2", "S2--S3", "A2--S3", "B3--S3", "B3--B4", "B2--S2"]
TYPES = [
    "LINK_DOWN",
    "LOS",
    "NE_COMM_LOST",
    "HIGH_CPU",
    "DYING_GASP",
    "LINK_DOWN_CLEARED",
    "linkUp",
]
HEADER = ["timestamp", "device", "alarm_type", "severity", "link_id", "message"]
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "\x1b[31mred\x1b[0m",
    "</script><!--",
    "\u2028\u2029",
    "{{ 7*7 }}",
    "javascript:alert(3)",
    "&lt;b&gt;",
]

# free text without the characters that give CSV its structure (they are added on purpose below)
plain = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters='\r\n",'), max_size=12
)


@st.composite
def alarm_rows(draw, min_size=1, max_size=12):
    rows = []
    for _ in range(draw(st.integers(min_size, max_size))):
        rows.append(
            [
                str(T0 + draw(st.integers(-600, 600))),
                draw(st.sampled_from(NODES + ["GHOST"])),
                draw(st.sampled_from(TYPES)),
                draw(st.sampled_from(["major", "critical", "cleared", ""])),
                draw(st.sampled_from(LINKS + [""])),
                draw(st.one_of(plain, st.sampled_from(HOSTILE).map(lambda s: s.replace(",", ";")))),
            ]
        )
    return rows


def write_folder(folder: Path, rows: list[list[str]], *, lines: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    small_network().write_csv(folder)
    body = lines if lines is not None else [",".join(r) for r in rows]
    (folder / "alarms.csv").write_text(
        "\n".join([",".join(HEADER)] + body) + "\n", encoding="utf-8"
    )
    return folder


def accounted(inc, n_lines: int) -> bool:
    """Every data line is a row of the log, a dropped row, or text of a multi-line field."""
    issues = [i for i in inc.alarms.report if i.file and i.file.endswith("alarms.csv")]
    dropped = sum(i.count for i in issues if i.action == "dropped")
    absorbed = sum(i.count for i in issues if i.kind == "multiline_field")
    return len(inc.alarms) + dropped + absorbed == n_lines


def answer(folder: Path) -> dict:
    data = analyze(read_incident(folder)).to_dict()
    data.pop("seconds")
    return data


# ------------------------------------------------------------------ damage
DAMAGE = (
    "unclosed_quote",
    "stray_quote",
    "extra_field",
    "missing_field",
    "empty_device",
    "bad_time",
    "epoch_ms",
    "epoch_us",
    "epoch_ns",
    "inf_time",
    "huge_type",
    "duplicate",
    "blank_cell",
)


def damaged(row: list[str], how: str) -> str:
    cells = list(row)
    if how == "unclosed_quote":
        cells[5] = '"' + cells[5]
    elif how == "stray_quote":
        cells[2] = cells[2][:2] + '"' + cells[2][2:]
    elif how == "extra_field":
        cells.append("extra")
    elif how == "missing_field":
        cells = cells[:3]
    elif how == "empty_device":
        cells[1] = ""
    elif how == "bad_time":
        cells[0] = "yesterday"
    elif how in ("epoch_ms", "epoch_us", "epoch_ns"):
        cells[0] = str(
            int(float(cells[0])) * {"epoch_ms": 10**3, "epoch_us": 10**6, "epoch_ns": 10**9}[how]
        )
    elif how == "inf_time":
        cells[0] = random.Random(len(cells[5])).choice(["inf", "-inf", "nan", "1e308", "-1e10"])
    elif how == "huge_type":
        cells[2] = "_" * 5000 + "CLEARED"
    elif how == "blank_cell":
        cells[3] = ""
    return ",".join(cells)


@pytest.mark.slow
@SETTINGS
@given(
    rows=alarm_rows(),
    damage=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(DAMAGE)), max_size=4),
)
def test_damaged_alarm_rows_are_used_or_reported(tmp_path_factory, rows, damage):
    lines = [",".join(r) for r in rows]
    for index, how in damage:
        i = index % len(rows)
        lines[i] = damaged(rows[i], how) if how != "duplicate" else lines[i]
        if how == "duplicate":
            lines.insert(i, lines[i])
    folder = write_folder(tmp_path_factory.mktemp("inc"), rows, lines=lines)
    try:
        inc = read_incident(folder)
    except (
        InputError
    ) as exc:  # a clear error naming the file (e.g. no timestamp could be read at all)
        assert "alarms.csv" in str(exc)
        return
    assert accounted(inc, len(lines)), (lines, [str(i) for i in inc.alarms.report])
    analyze(inc)  # never raises


@pytest.mark.slow
@SETTINGS
@given(rows=alarm_rows(min_size=2), seed=st.integers(0, 2**16))
def test_answer_does_not_depend_on_row_order(tmp_path_factory, rows, seed):
    base = answer(write_folder(tmp_path_factory.mktemp("base"), rows))
    rng = random.Random(seed)
    shuffled = write_folder(tmp_path_factory.mktemp("shuffled"), rng.sample(rows, len(rows)))
    for name in ("nodes.csv", "links.csv"):
        head, *body = (shuffled / name).read_text().splitlines()
        rng.shuffle(body)
        (shuffled / name).write_text("\n".join([head] + body) + "\n")
    other = answer(shuffled)
    other["incident"] = base["incident"]
    assert other == base


@pytest.mark.slow
@SETTINGS
@given(
    rows=alarm_rows(max_size=6),
    cut=st.floats(0.0, 1.0),
    which=st.sampled_from(["alarms.csv", "nodes.csv", "links.csv"]),
)
def test_truncated_files_never_give_a_traceback(tmp_path_factory, rows, cut, which):
    folder = write_folder(tmp_path_factory.mktemp("inc"), rows)
    data = (folder / which).read_bytes()
    (folder / which).write_bytes(data[: int(len(data) * cut)])
    try:
        inc = read_incident(folder)
    except InputError as exc:
        assert which in str(exc) or "no topology" in str(exc)
        return
    analyze(inc)


@pytest.mark.slow
@SETTINGS
@given(
    rows=alarm_rows(max_size=6),
    position=st.integers(0, 10_000),
    junk=st.sampled_from([b"\xff", b"\xe9", b"\x00", b"\xef\xbb\xbf", b"\r", b"\x1b[2J", b"\xc3"]),
    which=st.sampled_from(["alarms.csv", "nodes.csv", "links.csv", "truth.json"]),
)
def test_bytes_that_are_not_text_never_give_a_traceback(
    tmp_path_factory, rows, position, junk, which
):
    folder = write_folder(tmp_path_factory.mktemp("inc"), rows)
    if which == "truth.json":
        (folder / which).write_text('{"root_causes": [{"entity": "S3", "kind": "node"}]}')
    data = (folder / which).read_bytes()
    at = position % (len(data) + 1)
    (folder / which).write_bytes(data[:at] + junk + data[at:])
    try:
        inc = read_incident(folder)
    except InputError as exc:
        assert which in str(exc)
        return
    analyze(inc)


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> tuple[str, list[str]]:
    from rca.report import render_report

    rows = [
        [
            str(T0 + k),
            NODES[k % len(NODES)],
            TYPES[k % len(TYPES)],
            "major",
            "",
            text.replace(",", ";"),
        ]
        for k, text in enumerate(HOSTILE)
    ]
    rows += [
        [
            str(T0 + 50),
            text.replace(",", ";"),
            text.replace(",", ";"),
            "major",
            text.replace(",", ";"),
            "m",
        ]
        for text in HOSTILE
    ]
    folder = write_folder(tmp_path_factory.mktemp("hostile"), rows)
    inc = read_incident(folder)
    return render_report(inc, analyze(inc)), HOSTILE


def test_hostile_text_reaches_the_page_only_escaped(hostile_page):
    page, hostile = hostile_page
    for raw in ("<script>alert(1)", "<img src=x onerror", "</script><!--", "\u2028"):
        assert raw not in page
    assert page.count("<script") == page.count(
        "</script>"
    )  # no element opened or closed by the data


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_text_is_escaped_for_html_and_the_terminal(text):
    from rca._report._escape import esc, script_json
    from rca._text import terminal_safe

    assert "<" not in esc(text) and ">" not in esc(text) and '"' not in esc(text)
    assert "<" not in script_json({"m": text}) and "\u2028" not in script_json({"m": text})
    assert all(ch.isprintable() for ch in terminal_safe(text))
