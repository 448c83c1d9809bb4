"""The zygote's pool: submitting never waits for the zygote, and every future resolves."""

from kb.snippets.pool import STOPPED, Pool
from kb.snippets.runner import Limits


def test_submitting_more_than_a_pipe_holds_returns_before_the_zygote_is_warm():
    pool = Pool(2)
    try:
        padding = "#" * 2000 + "\n"  # 200 requests of 2 KB: far more than the 64 KiB stdin pipe
        futures = [pool.submit(padding + f"print({n})", path="docs/x.md", first_line=1, limits=Limits())
                   for n in range(200)]
        assert not pool.ready.is_set()  # the zygote is still importing torch: nothing was read yet
        assert [f.result().output for f in futures] == [f"{n}\n" for n in range(200)]
    finally:
        pool.close()


def test_runs_submitted_after_close_fail_at_once():
    pool = Pool(1)
    pool.close()
    result = pool.submit("print(1)", path="docs/x.md", first_line=1, limits=Limits()).result(timeout=5)
    assert result.error == STOPPED


def test_a_snippet_reports_the_kb_files_it_imported():
    pool = Pool(1)
    try:
        plain, helper = (pool.submit(code, path="docs/x.md", first_line=1, limits=Limits()).result()
                         for code in ("print(1)", "import kb.lab.toy"))
    finally:
        pool.close()
    assert "lab/toy.py" in helper.modules and "lab/toy.py" not in plain.modules
    assert "snippets/runner.py" in plain.modules  # what every snippet runs through
