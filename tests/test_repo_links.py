"""Repository links follow the deployment: one setting, never a repository the build was not told."""

import re

import pytest

from conftest import BIN, run

GITHUB = re.compile(r"https?://github\.com/([^/\"'?#)<\s]+/[^/\"'?#)<\s]+)")


def build(root, monkeypatch, **env):
    for name in ("KB_REPO", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    return run([str(BIN / "mkdocs"), "build", "--strict"], root, {"KB_EXECUTE": "false", **env})


def linked_repos(site):
    return {m for p in site.rglob("*.html") for m in GITHUB.findall(p.read_text(encoding="utf-8"))}


@pytest.mark.parametrize(("env", "repo"), [({"KB_REPO": "someone/fork"}, "someone/fork"),
                                           ({"GITHUB_REPOSITORY": "ci-owner/kb"}, "ci-owner/kb"),
                                           ({"KB_REPO": "mine/kb", "GITHUB_REPOSITORY": "ci/kb"}, "mine/kb"),
                                           ({}, "kb-ml/kb")])
def test_every_repository_link_comes_from_the_one_setting(mini_project, monkeypatch, env, repo):
    result = build(mini_project, monkeypatch, **env)
    assert result.returncode == 0, result.stderr
    site = mini_project / "site"
    assert linked_repos(site) == {repo}
    page = (site / "generalization/overfitting/index.html").read_text(encoding="utf-8")
    assert f"https://github.com/{repo}/edit/main/docs/generalization/overfitting.md" in page
    assert f"https://github.com/{repo}/issues/new?template=report-error.yml" in page


def test_a_build_told_no_repository_links_to_none(mini_project, monkeypatch):
    config = mini_project / "mkdocs.yml"
    config.write_text(re.sub(r"\n\s+repo: !ENV.*", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    result = build(mini_project, monkeypatch, KB_REPO="someone/fork")
    assert result.returncode == 0, result.stderr
    assert linked_repos(mini_project / "site") == set()
    assert "报告错误" not in (mini_project / "site/generalization/overfitting/index.html").read_text()


def test_a_malformed_repository_setting_fails_with_the_fix(mini_project, monkeypatch):
    result = build(mini_project, monkeypatch, KB_REPO="not a repo")
    assert result.returncode != 0
    assert "仓库设置 'not a repo' 不是 GitHub 的 owner/name 形式。请把环境变量 KB_REPO 设成" in result.stderr


def test_the_site_address_follows_kb_site_url(mini_project, monkeypatch):
    result = build(mini_project, monkeypatch, KB_SITE_URL="https://someone.github.io/fork/")
    assert result.returncode == 0, result.stderr
    home = (mini_project / "site/index.html").read_text(encoding="utf-8")
    assert "https://someone.github.io/fork/kb-offline.zip" in home
    assert "kb-ml.github.io" not in home
