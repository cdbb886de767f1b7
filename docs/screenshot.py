"""The README's picture of the explorer page: ``python docs/screenshot.py docs/explore.png``.

Writes the articles' network page (``python -m demos.replay --html``'s page) to a
temporary directory, opens it in Debian's headless chromium through Playwright at
step 51 (b3's grad becomes final) with b3 clicked (its chain rule in the panel),
and saves a PNG of the window. Fails, saying why, when the page reports a problem.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from demos.network import articles_network  # noqa: E402
from tests.browser import Tab, chromium, why_no_browser  # noqa: E402
from viz.replay.frames import write_replay  # noqa: E402

STEP = 51  # the step that completes dSSR/db3
WIDTH, HEIGHT = 1280, 1000


def screenshot(path: str) -> None:
    missing = why_no_browser()
    if missing:
        raise SystemExit(f"screenshot: {missing}")
    root, params = articles_network()
    with tempfile.TemporaryDirectory() as out, chromium() as browser:
        page_path = write_replay(root, out, params=list(params.values()))[-1]
        tab = Tab(browser, width=WIDTH, height=HEIGHT)
        tab.open(page_path.as_uri() + f"#step={STEP}")
        tab.page.click('[data-node="b3"]')
        tab.page.eval_on_selector("#panel", "p => { p.scrollLeft = 0; p.scrollTop = 0; }")
        problems = tab.problems()
        if problems:
            raise SystemExit(f"screenshot: the page reported problems: {problems}")
        tab.page.screenshot(path=path)
    print(f"wrote {path}")


if __name__ == "__main__":
    screenshot(sys.argv[1] if len(sys.argv) > 1 else "explore.png")
