"""The repository the site links to, from one setting.

``repo_url``, ``repo_name``, ``edit_uri`` and every page's 报告错误 link come from the
``kb`` plugin's ``repo`` option (``owner/name`` on GitHub). ``mkdocs.yml`` reads it as
``!ENV [KB_REPO, GITHUB_REPOSITORY, <default>]``: ``KB_REPO`` when set, else the
repository GitHub Actions is building (so a fork links to itself), else the project's home.
"""

from __future__ import annotations

import re

from kb.errors import UsageError

OWNER_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+$")


def repo_links(repo: str, branch: str = "main") -> dict[str, str]:
    """The MkDocs settings for GitHub repository ``owner/name``.

    Raises:
        UsageError: When ``repo`` is not ``owner/name``.
    """
    repo = str(repo).strip().removeprefix("https://github.com/").strip("/")
    if not OWNER_NAME.match(repo):
        raise UsageError(f"仓库设置 {repo!r} 不是 GitHub 的 owner/name 形式。"
                         "请把环境变量 KB_REPO 设成如 kb-ml/kb 的值")
    return {"repo_url": f"https://github.com/{repo}", "repo_name": repo,
            "edit_uri": f"edit/{branch}/docs/"}
