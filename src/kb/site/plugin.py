"""The MkDocs plugin that makes the site: validation, generated pages, executed snippets.

Enabled in ``mkdocs.yml`` as ``- kb`` (entry point ``mkdocs.plugins``). Every
problem it finds is logged as ``path:line: message``, and the build then fails,
strict or not: a contributor never gets a green build with a broken page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from kb.bank.mapping import coverage_problems, pages_sources
from kb.bank.parse import BankError
from kb.content.checks import check_page, check_unique
from kb.content.pages import Problem, load_page, page_rel
from kb.errors import KbError
from kb.project import Project
from kb.retrieval import site_index
from kb.site import fence, glossary, home, practice
from kb.site.audit import audit_page
from kb.site.errata import corrections_section, errata_page
from kb.site.generated import (
    TAGS_PAGE,
    Site,
    decorate,
    nav,
    sources_page,
    stats_page,
)
from kb.site.katex import Formula, katex_problems, page_formulas
from kb.site.reading import meta_line
from kb.site.repo import repo_links
from kb.snippets import executor as snippet_executor
from kb.snippets.runner import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits, Snippet

log = logging.getLogger("mkdocs.plugins.kb")

#: Generated pages: (nav title, path).
GENERATED = (("练习", practice.PAGE_PATH), ("勘误表", "errata.md"), ("术语表", glossary.PAGE_PATH),
             ("来源", "sources.md"), ("统计", "stats.md"), ("标签索引", "tags.md"))
#: Generated pages' front matter (the practice page and the glossary are left out of search).
FRONT_MATTER = {practice.PAGE_PATH: practice.FRONT_MATTER, glossary.PAGE_PATH: glossary.FRONT_MATTER}
#: Hand-written pages listed after the topics.
ABOUT = (("如何运行代码", "run-code.md"), ("API 参考", "api.md"))


class KbConfig(Config):
    """Options of the ``kb`` plugin."""

    #: CPU seconds per snippet (``!ENV [KB_SNIPPET_TIMEOUT, 20]`` in mkdocs.yml).
    timeout = opt.Type((int, float), default=DEFAULT_TIMEOUT)
    #: MiB of private memory per snippet process (``!ENV [KB_SNIPPET_MEMORY, 2048]``).
    memory = opt.Type(int, default=DEFAULT_MEMORY)
    #: Snippets run at once; 0 means one per core.
    workers = opt.Type(int, default=0)
    #: ``false`` (``KB_SNIPPET_CACHE=off``): run every snippet fresh; verdicts are still stored.
    cache = opt.Type(bool, default=True)
    execute = opt.Type(bool, default=True)
    #: A JSON file to write every snippet's verdict and CPU time to (``!ENV KB_SNIPPET_REPORT``;
    #: the benchmarks and tests read it). None: no report.
    report = opt.Optional(opt.Type(str))
    repo = opt.Optional(opt.Type(str))  # owner/name on GitHub (no repository links without it)


class KbPlugin(BasePlugin[KbConfig]):
    """Validate pages, generate aggregate pages and sections, and run every snippet."""

    def on_config(self, config):
        """Load the project, check the search segmenter, and derive the navigation."""
        self.problems: list[Problem] = []
        self.formulas: list[Formula] = []
        self.executed: list[dict] = []
        self.queues: list[fence.SnippetQueue] = []  # verdicts gathered in on_post_build
        self.project = Project(Path(config.config_file_path).parent)
        try:  # the one setting for every repository link; none without it
            config.update(repo_links(self.config.repo) if self.config.repo else
                          {"repo_url": None, "repo_name": None, "edit_uri": None})
        except KbError as exc:
            raise PluginError(str(exc)) from None
        try:
            import jieba  # noqa: F401
        except ImportError:
            raise PluginError("没有安装 jieba：中文搜索会悄悄退化成整句匹配。"
                              "请运行 make setup（或 pip install jieba）") from None
        try:
            items = self.project.items
        except BankError as exc:
            raise PluginError(str(exc)) from None
        self.site = Site(self.project.pages, items, self.project.entries)
        self.problems += self.project.mapping_problems
        self.problems += coverage_problems(items, self.project.entries, self.project.docs,
                                           self.project.relative(self.project.mapping_path))
        self.problems += check_unique(self.site.pages)
        self.ids = {p.id for p in self.site.pages}
        self.question_pages = {page_rel(p) for p in self.site.pages}
        self.by_page = pages_sources(self.site.entries)
        about = tuple(entry for entry in ABOUT if (Path(config.docs_dir) / entry[1]).is_file())
        config.nav = nav(self.site, GENERATED + about)
        self.executor, self.loaded = None, {}
        if self.config.execute:  # the pool starts at the first snippet the cache cannot vouch for
            self.executor = snippet_executor.shared(
                self.project.root, Limits(float(self.config.timeout), self.config.memory),
                workers=self.config.workers or None, cache=self.config.cache)
        return config

    def on_files(self, files: Files, config) -> Files:
        """Add the generated pages (their Markdown is made in ``on_page_markdown``)."""
        for _, path in GENERATED:
            files.append(File.generated(config, path, content=FRONT_MATTER.get(path, "")))
        urls = {rel: f.url for rel in self.question_pages if (f := files.get_file_from_path(rel))}
        files.append(File.generated(config, practice.DATA_PATH,
                                    content=practice.data_script(self.site.pages, urls)))
        self.submit_snippets(files)
        return files

    def submit_snippets(self, files: Files) -> None:
        """Submit every snippet of the site to the pool, before the first page renders."""
        if self.executor is None:
            return
        for file in files.documentation_pages():
            if file.abs_src_path and Path(file.abs_src_path).is_file():
                page = self.loaded[file.abs_src_path] = load_page(file.abs_src_path, self.project.docs)
                for block in page.snippets():
                    self.executor.submit(Snippet(block.code, block.expected_output, page.path, block.lineno))

    def on_serve(self, server, config, builder):
        """Also rebuild when the ``kb`` package changes: its snippets re-run with the new code."""
        server.watch(str(Path(snippet_executor.__file__).resolve().parents[1]))
        return server

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Validate a page, queue its snippets, and add its generated sections."""
        src = page.file.src_uri
        if src in {p for _, p in GENERATED}:
            return self.generated(src, page)
        if src == "index.md":
            markdown = home.render_home(markdown, self.site, config.site_url)
        if page.file.abs_src_path is None:
            return markdown
        parsed = self.loaded.pop(page.file.abs_src_path, None) or load_page(page.file.abs_src_path,
                                                                            self.project.docs)
        fence.current = (fence.SnippetQueue(parsed.path, parsed.snippets(), self.executor)
                         if self.executor else None)
        if page_rel(parsed) in self.question_pages:
            self.problems += check_page(parsed, self.project, self.ids, self.by_page)
            return meta_line(parsed) + decorate(markdown, parsed, self.site, config.repo_url,
                                                corrections_section(parsed))
        self.problems += parsed.problems if parsed.meta else []
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        """Record what ran; a queued snippet that never rendered is a problem too."""
        self.problems += audit_page(html, page, self.project, self.site)  # raw math, unsafe HTML
        self.formulas += page_formulas(html, self.project.relative(self.project.docs / page.file.src_uri))
        queue, fence.current = fence.current, None
        if queue is not None:
            self.queues.append(queue)
            for block in queue.pending:
                self.problems.append(Problem(queue.path, block.lineno,
                                             "python 代码块没有被当作代码片段渲染（多半是缩进或围栏写错）。"
                                             "请检查这个代码块的围栏与缩进"))
        return html

    def generated(self, path: str, page) -> str:
        """The Markdown of a generated page."""
        if path == practice.PAGE_PATH:
            return practice.practice_page(page.file.url)
        if path == glossary.PAGE_PATH:
            return glossary.glossary_page(self.site)
        if path == "errata.md":
            return errata_page(self.site)
        if path == "sources.md":
            return sources_page(self.site)
        if path == "stats.md":
            return stats_page(self.site, sum(len(p.snippets()) for p in self.site.pages))
        return TAGS_PAGE

    @event_priority(-50)  # after search writes its index, before offline inlines it
    def on_post_build(self, config) -> None:
        """Rewrite the search index, write the snippet report (option ``report``), fail on any problem.

        The search index and the formula check come first: they overlap with the
        snippets still running, whose verdicts only decide what is reported.
        """
        site_index.write(config.site_dir, self.project.root, self.site.pages)
        try:  # every formula through the KaTeX the site loads, in one node process
            self.problems += katex_problems(self.formulas, self.project.root,
                                            [(p.path, p.text) for p in self.site.pages])
        except FileNotFoundError:
            log.warning("没有找到 Node.js（node）：这次构建没有用 KaTeX 校验公式。请安装 Node.js")
        for queue in self.queues:  # pages rendered while the snippets ran; now wait for them
            queue.collect()
            self.executed += queue.executed
            self.problems += queue.problems
        self.queues = []
        if self.executor is not None:
            self.executor.prune()
        if self.config.report:
            Path(self.config.report).write_text(json.dumps(self.executed, ensure_ascii=False, indent=1))
        problems = sorted(set(self.problems))
        for problem in problems:
            log.error(str(problem))
        if problems:
            raise PluginError(f"页面中有 {len(problems)} 个问题，已在上方逐条列出（文件:行号: 问题。怎么改。）")


__all__ = ["KbPlugin"]
