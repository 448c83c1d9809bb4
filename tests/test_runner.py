"""The snippet runner: one meaning of "output" for the build and for pytest."""

from kb.snippets.runner import run_snippet


def test_output_captures_print_sep_stdout_write_and_library_prints():
    code = (
        "import sys\n"
        "print('a', 'b', sep=',')\n"
        "sys.stdout.write('raw\\n')\n"
        "from kb.snippets import runner\n"
        "print(end='')\n"
    )
    assert run_snippet(code).output == "a,b\nraw\n"


def test_prints_inside_imported_modules_are_captured(tmp_path, monkeypatch):
    (tmp_path / "noisy.py").write_text("def hello():\n    print('from module')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert run_snippet("import noisy\nnoisy.hello()\n").output == "from module\n"


def test_every_run_is_seeded_the_same():
    code = "import random, numpy as np, torch\nprint(random.random(), np.random.rand(), torch.rand(1).item())\n"
    assert run_snippet(code).output == run_snippet(code).output


def test_each_snippet_gets_fresh_globals():
    run_snippet("leak = 1\n")
    assert "NameError" in run_snippet("print(leak)\n").error


def test_error_names_page_and_page_line_without_venv_paths():
    result = run_snippet("x = 1\nraise ValueError('boom')\n", path="docs/t/p.md", first_line=10)
    assert "docs/t/p.md:11" in result.error
    assert "ValueError: boom" in result.error
    assert "site-packages" not in result.error


def test_a_hanging_snippet_is_stopped():
    result = run_snippet("while True:\n    pass\n", timeout=0.5)
    assert "SnippetTimeout" in result.error


def test_a_blocked_snippet_is_stopped_by_the_wall_clock_limit():
    result = run_snippet("import time\ntime.sleep(60)\n", timeout=0.2)
    assert "墙钟" in result.error
