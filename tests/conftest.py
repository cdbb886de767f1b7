"""Fixtures shared by the test modules.

Plain helpers live in modules of their own (``tests/articles.py``, ``tests/helpers.py``,
``tests/browser.py``); what needs set-up and tear-down is a fixture here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium, why_no_browser


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, one for the session; skips saying what is missing."""
    missing = why_no_browser()
    if missing:
        pytest.skip(missing)
    with chromium() as launched:
        yield launched
