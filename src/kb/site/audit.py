r"""Audit the rendered HTML of every page: no raw math, no unsafe HTML, whatever made it.

Source checks read what contributors write; this reads what readers get. It sees
generated pages and sections too, and text from any field or raw bank. Math that
``pymdownx.arithmatex`` recognised sits in ``.arithmatex`` elements; ``$``, ``\(`` or a
TeX command anywhere else in the text is math that will show as raw LaTeX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

#: Elements whose text is shown literally (code) or is not text.
LITERAL = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNSAFE_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data"}
#: Raw math in text: a dollar, a LaTeX delimiter, or a TeX command such as ``\frac``.
RAW_MATH = re.compile(r"\$|\\[()\[\]]|\\(?:[a-zA-Z]{2,}|[{}|,;!])")


@dataclass(frozen=True)
class Finding:
    """Something wrong in rendered HTML.

    Attributes:
        kind: ``math`` or ``html``.
        text: The offending text or tag, as a reader would find it in the source.
        message: What is wrong and what to do.
    """

    kind: str
    text: str
    message: str
    probe: str = ""


class Auditor(HTMLParser):
    """Collect :class:`Finding` records from one page's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skips its text)
        self.findings: list[Finding] = []

    @property
    def skipping(self) -> bool:
        """Whether the current text is code or rendered math."""
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):  # noqa: D102
        attrs = dict(attrs)
        if tag in UNSAFE_TAGS:
            self.findings.append(Finding("html", f"<{tag}", f"渲染后的页面里有 <{tag}> 元素", f"<{tag}"))
        for name, value in attrs.items():
            if name.startswith("on"):
                self.findings.append(Finding("html", f"{name}=", f"渲染后的页面里有内联事件属性 {name}=", name))
            if name in URL_ATTRS and value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(
                    ("javascript:", "vbscript:")):
                self.findings.append(Finding("html", value, "渲染后的页面里有 javascript: 链接", "javascript:"))
        if tag in VOID:
            return
        classes = (attrs.get("class") or "").split()
        self.stack.append((tag, tag in LITERAL or "arithmatex" in classes))

    def handle_startendtag(self, tag, attrs):  # noqa: D102
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):  # noqa: D102
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):  # noqa: D102
        if self.skipping:
            return
        m = RAW_MATH.search(data)
        if m:
            start = max(0, m.start() - 20)
            snippet = " ".join(data[start:m.end() + 20].split())
            self.findings.append(Finding("math", snippet, f"公式没有渲染，读者会看到原始 LaTeX：“…{snippet}…”",
                                         data[m.start():m.start() + 16]))


def audit_html(html: str) -> list[Finding]:
    """Every raw-math and unsafe-HTML finding in ``html`` (a page's content)."""
    auditor = Auditor()
    auditor.feed(html)
    auditor.close()
    return auditor.findings


MATH_FIX = ("常见原因：$ 没有闭合；$$ 公式在列表项里前后缺少空行或缩进不足 4 格；表格单元格里的 | 没有转义；"
            "行内公式的 $ 内侧紧挨空格。请修正后用 make serve 看一眼")
HTML_FIX = "文字来自页面或 front matter 时 kb check 会指出字段；请删掉它，要展示就放进 `行内代码`"


def locate(probe: str, sources: list[tuple[str, str]]) -> tuple[str, int] | None:
    """The first ``(path, line)`` of ``sources`` whose text contains ``probe`` (longest match first).

    Front matter strings in double quotes write a backslash twice, so that form is tried too.
    """
    for size in (16, 8, 3, 1):
        part = probe[:size].split("\n")[0].strip()
        if not part:
            continue
        for form in dict.fromkeys((part, part.replace("\\", "\\\\"))):
            for path, text in sources:
                for number, line in enumerate(text.split("\n"), 1):
                    if form in line:
                        return path, number
    return None


def audit_problems(html: str, shown: str, sources: list[tuple[str, str]], *, generated: bool = False) -> list:
    """Findings of :func:`audit_html` as ``path:line: message`` problems.

    Args:
        html: The page's rendered content.
        shown: The page's path for messages (``docs/trust/fairness.md``).
        sources: ``(path, text)`` of the files the text may come from, the page's own first.
        generated: Whether the page is generated (its text comes from other pages' front matter).
    """
    from kb.content.pages import Problem

    problems = []
    for finding in audit_html(html):
        where = locate(finding.probe, sources) or (shown, 1)
        on = f"（出现在生成的页面 {shown}）" if generated and where[0] != shown else ""
        fix = MATH_FIX if finding.kind == "math" else HTML_FIX
        problems.append(Problem(where[0], where[1], f"{finding.message}{on}。{fix}"))
    return problems


def audit_page(html: str, page, project, site) -> list:
    """:func:`audit_problems` for one MkDocs page of the kb site (question, generated or other)."""
    src = page.file.src_uri
    shown = project.relative(project.docs / src)
    texts = [(p.path, p.text) for p in site.pages]
    if project.mapping_path.is_file():  # set-aside reasons on the 来源 page come from the mapping
        texts.append((project.relative(project.mapping_path), project.mapping_path.read_text(encoding="utf-8")))
    path = page.file.abs_src_path
    own = [(shown, Path(path).read_text(encoding="utf-8"))] if path else []
    return audit_problems(html, shown, own + texts, generated=path is None)
