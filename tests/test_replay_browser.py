"""The replay's HTML stepper in a real headless Chromium (Debian's, driven through Playwright).

The tests skip, saying why, where Playwright or ``chromium`` is missing.
``python -m tests.test_replay_browser docs/replay.png`` writes the README's screenshot.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser import Tab, chromium, why_no_browser

# The ids and the caption of the frame on show, the step counter, the slider and the address.
STATE = """() => ({
    equation: document.getElementById('equation').textContent,
    counter: document.getElementById('counter').textContent,
    slider: document.getElementById('slider').value,
    hash: location.hash,
    shown: [...document.querySelectorAll('.frame')].filter(f => !f.hidden).map(f => f.id),
})"""

# For each node name, whether its box in the frame on show lies wholly inside the graph's view.
IN_VIEW = """names => {
    const frame = [...document.querySelectorAll('.frame')].filter(f => !f.hidden)[0];
    const view = document.getElementById('graph').getBoundingClientRect();
    return names.map(n => {
        const title = [...frame.querySelectorAll('g > title')].filter(e => e.textContent === n)[0];
        const r = title.parentNode.getBoundingClientRect();
        return r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom;
    });
}"""


def _state(tab: Tab) -> dict[str, object]:
    return tab.page.evaluate(STATE)


@pytest.fixture(scope="module")
def replay_page(chromium_browser, tmp_path_factory):
    from demos.network import articles_network
    from viz.frames import replay_frames, write_replay

    root, params = articles_network()
    out = tmp_path_factory.mktemp("replay")
    paths = write_replay(root, out, leaf=params["w3"], params=list(params.values()))
    captions = [f.caption for f in replay_frames(root, leaf=params["w3"], params=list(params.values()))]
    tab = Tab(chromium_browser)
    yield tab, paths[-1], captions
    tab.page.close()


def test_page_loads_without_errors_or_requests(replay_page):
    tab, html_path, captions = replay_page
    url = html_path.as_uri()
    tab.open(url)
    assert tab.problems() == []
    # Self-contained: the page itself is the only thing fetched (data: URLs need no fetch).
    assert [u for u in tab.requested_urls() if not u.startswith("data:")] == [url]
    state = _state(tab)
    assert state["shown"] == ["frame-0"]
    assert state["equation"] == captions[0]
    assert state["counter"] == "start"


def test_next_previous_keys_and_slider_move_the_step(replay_page):
    tab, html_path, captions = replay_page
    page = tab.page
    last = len(captions) - 1
    tab.open(html_path.as_uri())
    page.click("#next")
    one = _state(tab)
    assert one["shown"] == ["frame-1"]
    assert one["equation"] == captions[1] != captions[0]
    assert one["counter"] == f"step 1 of {last}" and one["slider"] == "1" and one["hash"] == "#step=1"
    page.keyboard.press("ArrowRight")
    assert _state(tab)["equation"] == captions[2]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert _state(tab)["shown"] == ["frame-0"]
    page.keyboard.press("End")
    assert _state(tab)["equation"] == captions[last]
    page.click("#prev")
    assert _state(tab)["equation"] == captions[last - 1]
    page.locator("#slider").evaluate("s => { s.value = '3'; s.dispatchEvent(new Event('input')); }")
    assert _state(tab)["equation"] == captions[3]
    # Up, down and Page Up/Down do not step: they are left to scroll the graph.
    for key in ("ArrowDown", "PageDown", "ArrowUp", "PageUp"):
        page.keyboard.press(key)
        assert _state(tab)["equation"] == captions[3], key
    # At either end the button that would leave the range is disabled.
    page.keyboard.press("Home")
    assert page.evaluate("document.getElementById('prev').disabled") is True
    assert tab.problems() == []


def test_the_start_opens_on_the_root_and_a_step_on_its_boxes(replay_page):
    # Frame 0's caption speaks of the root's grad: the root's box must be in view at once
    # (the graph is wider than the window, and the root is at its far right).
    tab, html_path, captions = replay_page
    page = tab.page
    tab.open(html_path.as_uri())
    assert page.evaluate("document.getElementById('graph').scrollWidth > document.getElementById('graph').clientWidth")
    focus = page.evaluate("document.getElementById('frame-0').getAttribute('data-focus')")
    assert focus and page.evaluate(IN_VIEW, focus.split()) == [True] * len(focus.split())
    page.click("#next")
    focus = page.evaluate("document.getElementById('frame-1').getAttribute('data-focus')")
    assert page.evaluate(IN_VIEW, focus.split()) == [True, True]


def test_a_step_number_in_the_address_opens_that_step(replay_page):
    tab, html_path, captions = replay_page
    tab.open(html_path.as_uri() + "#step=4")
    state = _state(tab)
    assert state["shown"] == ["frame-4"] and state["equation"] == captions[4]
    tab.open(html_path.as_uri() + "#step=99999")  # past the end: the last step
    assert _state(tab)["equation"] == captions[-1]


# ------------------------------------------------------------------ the README's screenshot


def screenshot(path: str, step: int = 51) -> None:
    """Write the articles' replay and a PNG of its stepper page at ``step``."""
    from demos.network import articles_network
    from viz.frames import write_replay

    missing = why_no_browser()
    if missing:
        raise SystemExit(f"cannot take the screenshot: {missing}")
    root, params = articles_network()
    with tempfile.TemporaryDirectory() as out, chromium() as browser:
        page_path = write_replay(root, out, params=list(params.values()))[-1]
        tab = Tab(browser)
        tab.open(page_path.as_uri() + f"#step={step}")
        problems = tab.problems()
        if problems:
            raise SystemExit(f"the page reported problems: {problems}")
        tab.page.screenshot(path=str(Path(path)))
    print(f"wrote {path}")


if __name__ == "__main__":
    screenshot(sys.argv[1] if len(sys.argv) > 1 else "replay.png")
