"""The replay's HTML stepper in a real headless Chromium.

Chromium is driven through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: JSON messages ending in a NUL byte on file
descriptors 3 and 4), so no Python package beyond the standard library is
needed. The test skips, saying why, where no Chromium is installed.

``python -m tests.test_replay_browser docs/replay.png`` writes the README's screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


def find_browser() -> str | None:
    """A Chromium executable: ``$CHAINGRAD_CHROMIUM``, else the first of BROWSERS on PATH."""
    override = os.environ.get("CHAINGRAD_CHROMIUM")
    if override:
        return override
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe, attached to one page."""

    def __init__(self, browser: str, width: int = 1280, height: int = 860, timeout: float = 60.0):
        self.timeout = timeout
        self.events: list[dict] = []
        self._next_id = 0
        self._buffer = b""
        self._profile = tempfile.mkdtemp(prefix="chaingrad-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_pipes() -> None:  # in the child: the protocol's fds are 3 (commands) and 4 (replies)
            import fcntl

            # Copies above 10 first, so that placing one cannot overwrite the other;
            # the copies close on exec, while dup2's 3 and 4 stay open for Chromium.
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Only inheritable descriptors survive exec: 0-2 and the 3 and 4 made above
            # (os.pipe's own are close-on-exec), so nothing else leaks into Chromium.
            close_fds=False,
            preexec_fn=wire_pipes,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True,
                  width=width, height=height, deviceScaleFactor=1, mobile=False)

    # -- the wire
    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_child, data):]

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the pipe (exit status {self.proc.poll()})")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and wait for its reply; events met meanwhile are kept in ``events``."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method:
                    return event
            seen = len(self.events)
            self.events.append(self._read_message(deadline))

    # -- the page
    def open(self, url: str) -> None:
        """Load ``url`` afresh (by way of about:blank: a change of #fragment alone fires no load)."""
        for address in ("about:blank", url):
            self.events.clear()
            self.call("Page.navigate", session=True, url=address)
            self.wait_for_event("Page.loadEventFired")

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, element_id: str) -> None:
        """A real mouse click (press and release) at the middle of the element."""
        box = self.js(
            f"(function () {{ var r = document.getElementById({json.dumps(element_id)}).getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def key(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", session=True, type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen since the last ``open``."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry'].get('text')}")
        return found

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # already gone: nothing to close
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self._profile, ignore_errors=True)


# ------------------------------------------------------------------ the test


def _state(page: DevTools) -> dict[str, object]:
    return page.js(
        "(function () { var shown = [].filter.call(document.querySelectorAll('.frame'),"
        " function (f) { return !f.hidden; });"
        " return { equation: document.getElementById('equation').textContent,"
        " counter: document.getElementById('counter').textContent,"
        " slider: document.getElementById('slider').value, hash: location.hash,"
        " shown: shown.map(function (f) { return f.id; }) }; })()"
    )


@pytest.fixture(scope="module")
def replay_page(tmp_path_factory):
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium found (looked for " + ", ".join(BROWSERS)
                    + " on PATH and $CHAINGRAD_CHROMIUM); install one with `apt-get install chromium`")
    from demos.replay import articles_network
    from viz.replay import replay_frames, write_replay

    root, params = articles_network()
    out = tmp_path_factory.mktemp("replay")
    paths = write_replay(root, out, leaf=params["w3"], params=list(params.values()))
    captions = [f.caption for f in replay_frames(root, leaf=params["w3"], params=list(params.values()))]
    page = DevTools(browser)
    yield page, paths[-1], captions
    page.close()


def test_page_loads_without_errors_or_requests(replay_page):
    page, html_path, captions = replay_page
    url = html_path.as_uri()
    page.open(url)
    assert page.problems() == []
    # Self-contained: the page itself is the only thing fetched (data: URLs need no fetch).
    assert [u for u in page.requested_urls() if not u.startswith("data:")] == [url]
    state = _state(page)
    assert state["shown"] == ["frame-0"]
    assert state["equation"] == captions[0]
    assert state["counter"] == "start"


def test_next_previous_keys_and_slider_move_the_step(replay_page):
    page, html_path, captions = replay_page
    last = len(captions) - 1
    page.open(html_path.as_uri())
    page.click("next")
    one = _state(page)
    assert one["shown"] == ["frame-1"]
    assert one["equation"] == captions[1] != captions[0]
    assert one["counter"] == f"step 1 of {last}" and one["slider"] == "1" and one["hash"] == "#step=1"
    page.key("ArrowRight", 39)
    assert _state(page)["equation"] == captions[2]
    page.key("ArrowLeft", 37)
    page.key("ArrowLeft", 37)
    assert _state(page)["shown"] == ["frame-0"]
    page.key("End", 35)
    assert _state(page)["equation"] == captions[last]
    page.click("prev")
    assert _state(page)["equation"] == captions[last - 1]
    page.js("var s = document.getElementById('slider'); s.value = '3'; s.dispatchEvent(new Event('input'));")
    assert _state(page)["equation"] == captions[3]
    # Up, down and Page Up/Down do not step: they are left to scroll the graph.
    for key, code in (("ArrowDown", 40), ("PageDown", 34), ("ArrowUp", 38), ("PageUp", 33)):
        page.key(key, code)
        assert _state(page)["equation"] == captions[3], key
    # At either end the button that would leave the range is disabled.
    page.key("Home", 36)
    assert page.js("document.getElementById('prev').disabled") is True
    assert page.problems() == []


def test_the_start_opens_on_the_root_and_a_step_on_its_boxes(replay_page):
    # Frame 0's caption speaks of the root's grad: the root's box must be in view at once
    # (the graph is wider than the window, and the root is at its far right).
    page, html_path, captions = replay_page
    in_view = (
        "(function (names) { var frame = [].filter.call(document.querySelectorAll('.frame'),"
        " function (f) { return !f.hidden; })[0];"
        " var view = document.getElementById('graph').getBoundingClientRect();"
        " return names.map(function (n) {"
        "  var t = [].filter.call(frame.querySelectorAll('g > title'), function (e) { return e.textContent === n; })[0];"
        "  var r = t.parentNode.getBoundingClientRect();"
        "  return r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom;"
        " }); })"
    )
    page.open(html_path.as_uri())
    assert page.js("document.getElementById('graph').scrollWidth > document.getElementById('graph').clientWidth")
    focus = page.js("document.getElementById('frame-0').getAttribute('data-focus')")
    assert focus and page.js(f"{in_view}({json.dumps(focus.split())})") == [True] * len(focus.split())
    page.click("next")
    focus = page.js("document.getElementById('frame-1').getAttribute('data-focus')")
    assert page.js(f"{in_view}({json.dumps(focus.split())})") == [True, True]


def test_a_step_number_in_the_address_opens_that_step(replay_page):
    page, html_path, captions = replay_page
    page.open(html_path.as_uri() + "#step=4")
    state = _state(page)
    assert state["shown"] == ["frame-4"] and state["equation"] == captions[4]
    page.open(html_path.as_uri() + "#step=99999")  # past the end: the last step
    assert _state(page)["equation"] == captions[-1]


# ------------------------------------------------------------------ the README's screenshot


def screenshot(path: str, step: int = 51) -> None:
    """Write the articles' replay and a PNG of its stepper page at ``step``."""
    from demos.replay import articles_network
    from viz.replay import write_replay

    browser = find_browser()
    if browser is None:
        raise SystemExit("no Chromium found; install one with `apt-get install chromium`")
    root, params = articles_network()
    with tempfile.TemporaryDirectory() as out:
        page_path = write_replay(root, out, params=list(params.values()))[-1]
        page = DevTools(browser, width=1280, height=860)
        try:
            page.open(page_path.as_uri() + f"#step={step}")
            problems = page.problems()
            if problems:
                raise SystemExit(f"the page reported problems: {problems}")
            page.screenshot(Path(path))
        finally:
            page.close()
    print(f"wrote {path}")


if __name__ == "__main__":
    screenshot(sys.argv[1] if len(sys.argv) > 1 else "replay.png")
