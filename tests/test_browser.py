"""A real browser loads the report: no console errors, the figures drawn, hostile alarm text shown as text.

Headless Chromium (Debian's ``chromium``, which ``.ci/run`` installs). Without
it the test is skipped, saying so.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from rca._report._batch import BatchOptions, folder_tasks, write_batch
from tests.cli.test_report import HOSTILE, hostile_incident

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine "
                                "(apt-get install chromium; .ci/run installs it)")


def render(url: str, tmp_path) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and the console lines the browser logged."""
    proc = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, console


def test_index_and_incident_page_in_a_browser(tmp_path) -> None:
    from rca.datasets import make_incident

    make_incident(size="small", fault="node_down", random_state=3).write(tmp_path / "in" / "twin")
    hostile_incident().write(tmp_path / "in" / "hostile")
    summary = write_batch(folder_tasks(sorted((tmp_path / "in").iterdir())), tmp_path / "out",
                          options=BatchOptions(segment=False))
    assert not summary.failed

    dom, console = render((tmp_path / "out" / "index.html").as_uri(), tmp_path)
    assert console == []
    assert dom.count('class="main-svg"') >= 1                 # plotly drew the incidents-over-time figure
    assert "2 of 2 shown" in dom                              # the table script ran

    dom, console = render((tmp_path / "out" / "incidents" / "hostile.html").as_uri(), tmp_path)
    assert console == []
    for fig in ("fig-topology", "fig-timeline"):
        block = dom.split(f'id="{fig}"', 1)[1][:4000]
        assert "plot-container" in block, fig               # each figure drawn
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]   # the onerror payload never ran
    assert not re.search(r"<img[^>]*src=\"?x", dom)           # no element from the payload
    assert "<title>RCA report: hostile</title>" in dom        # the </script> payload did not run either

    # the hostile alarm type is on the page, as text (the timeline's legend)
    assert "&lt;/script&gt;&lt;script&gt;document.title=" in dom
    assert HOSTILE not in dom
