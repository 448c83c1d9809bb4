"""pytest plugin (registered by the package): make pytest-codeblocks run snippets like the build.

pytest-codeblocks executes each ```python block with ``exec`` in fresh globals and
compares the redirected stdout with the stated output. This plugin adds what it
lacks and the build has: the same seeding before every block and the same time limit.
"""

from __future__ import annotations

import pytest

from kb.build.runner import DEFAULT_TIMEOUT, seed_everything, time_limit


def _is_codeblock(item: pytest.Item) -> bool:
    return type(item).__module__.startswith("pytest_codeblocks")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Seed and time-limit every pytest-codeblocks item."""
    if not _is_codeblock(item):
        return (yield)
    seed_everything()
    with time_limit(DEFAULT_TIMEOUT):
        return (yield)
