"""The ```python custom fence: renders the source once, runs it, records what went wrong."""

import markdown
import pytest

from kb.content.pages import read_snippets
from kb.site import fence
from kb.snippets.executor import Executor

PAGE = """# t

```python
print("hi")
```

<!--pytest-codeblocks:expected-output-->
```text
{stated}
```
"""


@pytest.fixture(scope="module")
def executor(tmp_path_factory):
    executor = Executor(tmp_path_factory.mktemp("cache"))
    yield executor
    executor.close()


def render(stated: str, executor):
    text = PAGE.format(stated=stated)
    md = markdown.Markdown(extensions=["pymdownx.superfences"], extension_configs={
        "pymdownx.superfences": {"custom_fences": [
            {"name": "python", "class": "python",
             "validator": fence.validator, "format": fence.formatter}]}})
    fence.current = queue = fence.SnippetQueue("docs/t.md", read_snippets(text), executor)
    try:
        html = md.convert(text)
    finally:
        fence.current = None
    queue.collect()
    return html, queue


def test_a_matching_snippet_is_run_once_and_its_source_shown_once(executor):
    html, queue = render("hi", executor)
    assert html.count("print") == 1
    assert [(e["page"], e["line"], e["ok"]) for e in queue.executed] == [("docs/t.md", 3, True)]
    assert queue.problems == [] and queue.pending == []


def test_a_drifting_snippet_is_a_problem_at_its_fence_line(executor):
    _, queue = render("bye", executor)
    assert [(p.path, p.line) for p in queue.problems] == [("docs/t.md", 3)]
    assert "-bye" in queue.problems[0].message and "+hi" in queue.problems[0].message
