"""Debian's chromium for the browser tests: where it is and how it is started (headless, no network extras)."""

import os

CHROMIUM = os.environ.get("NEWSDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
