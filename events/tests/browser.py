"""Shared set-up for the tests that drive Debian's Chromium through Playwright.

Playwright cannot download its own browser here, so the tests launch /usr/bin/chromium
(`apt-get install chromium`; `make test` and .ci/run install it) and skip with that
instruction where it is missing. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls
# stay synchronous and safe, so Django's async guard is lifted for the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# The flags keep Chromium off the network (this machine has none) and working as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

requires_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@contextmanager
def chromium():
    """A headless Debian Chromium for the duration of a block."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
