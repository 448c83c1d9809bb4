"""Where headless Chromium is, and how it is launched: one place for the PDF, the tests and benchmarks."""

from __future__ import annotations

import os
import shutil

#: Flags for a headless Chromium that makes no request of its own (no sync, no updates).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def find_chromium() -> str | None:
    """``KB_CHROMIUM``, or Debian's ``chromium`` (or ``chromium-browser``) on the PATH; ``None`` if neither."""
    return os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
