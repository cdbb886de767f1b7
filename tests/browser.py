"""Pages in a real browser: Debian's ``chromium``, driven through Playwright.

No browser is downloaded: Playwright launches the ``chromium`` found on PATH. ``Tab`` is one
page that keeps what the page reported (console errors and warnings, uncaught exceptions,
browser log errors, the URLs it requested) since it last opened an address.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Headless in a container: no sandbox or GPU, and nothing fetched behind the page's back
# (updates, sync, first-run pages), so that the requests the test sees are the page's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH, HEIGHT = 1280, 860


def why_no_browser() -> str | None:
    """None when Playwright and ``chromium`` are both there, else what is missing and how to get it."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'Playwright is not installed (pip install -e ".[test]")'
    if shutil.which("chromium") is None:
        return "no `chromium` on PATH (Debian: apt-get install chromium); Playwright's own browser is not used"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=CHROMIUM_ARGS,
            # Scrollbars shown, as a user sees them: they say that the graph scrolls (and the
            # README's screenshot shows them).
            ignore_default_args=["--hide-scrollbars"],
        )
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """One page of ``browser``, WIDTH x HEIGHT CSS pixels at one device pixel each."""

    def __init__(self, browser: Any, width: int = WIDTH, height: int = HEIGHT):
        self.page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        self.page.set_default_timeout(60_000)
        self._problems: list[str] = []
        self._requests: list[str] = []
        self.page.on("pageerror", lambda error: self._problems.append(f"exception: {error}"))
        self.page.on("console", self._console)
        self.page.on("request", lambda request: self._requests.append(request.url))

    def _console(self, message: Any) -> None:
        # Playwright reports the browser's own log entries (a resource that failed to load,
        # a blocked request) as console messages too.
        if message.type in ("error", "assert", "warning"):
            self._problems.append(f"console.{message.type}: {message.text}")

    def open(self, url: str) -> None:
        """Load ``url`` afresh (by way of about:blank: a change of #fragment alone loads nothing)."""
        self.page.goto("about:blank")
        self._problems.clear()
        self._requests.clear()
        self.page.goto(url, wait_until="load")

    def problems(self) -> list[str]:
        """What the page reported since the last ``open``: errors, warnings, exceptions."""
        return list(self._problems)

    def requested_urls(self) -> list[str]:
        return list(self._requests)
