r"""YAML for contributors: errors as a line and a plain sentence, and LaTeX eaten by escapes.

PyYAML reports problems in parser jargon ("mapping values are not allowed here"). A
contributor needs the line and what to do. And a double-quoted YAML string treats a
backslash as an escape: ``"\\frac"`` silently becomes a form feed followed by ``rac``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

#: PyYAML problem text (a prefix) -> what it means and what to do, in Chinese.
PLAIN: tuple[tuple[str, str], ...] = (
    ("found unknown escape character",
     "双引号字符串里的反斜杠 \\ 被 YAML 当作转义符，这里的转义不存在（LaTeX 命令常见）。"
     "含 LaTeX 的值请改用单引号 '...'（单引号里反斜杠原样保留）或块标量 |"),
    ("found character '\\t' that cannot start any token",
     "YAML 不允许用 Tab 缩进。请改用空格"),
    ("mapping values are not allowed here",
     "这里不能出现 `键: 值`：多半是缩进不对，或值里有未加引号的 `: `。请对齐缩进，或给整个值加引号"),
    ("could not find expected ':'",
     "缺少冒号 `:`，或上一行的引号没有闭合。请写成 `键: 值`"),
    ("did not find expected key",
     "缩进不一致：同一层的键要对齐，列表项 `- ` 要比它的键多缩进。请检查这一行和上一行的缩进"),
    ("expected <block end>, but found",
     "缩进不一致：这一行与上面同一层的键没有对齐。请检查缩进"),
    ("did not find expected ',' or ']'",
     "方括号列表 `[...]` 没有闭合，或两项之间缺少逗号。请检查 `[` 与 `]`"),
    ("did not find expected ',' or '}'",
     "花括号 `{...}` 没有闭合，或两项之间缺少逗号。请检查 `{` 与 `}`"),
    ("expected ',' or ']'", "方括号列表 `[...]` 没有闭合，或两项之间缺少逗号。请检查 `[` 与 `]`"),
    ("expected ',' or '}'", "花括号 `{...}` 没有闭合，或两项之间缺少逗号。请检查 `{` 与 `}`"),
    ("found unexpected end of stream", "引号或括号没有闭合，一直读到了末尾。请补上闭合的引号或括号"),
    ("found unexpected ':'", "值里有未加引号的冒号。请给整个值加引号"),
    ("found undefined alias", "`*` 开头的值被当作 YAML 别名（alias）。请给整个值加引号"),
    ("found duplicate anchor", "`&` 开头的值被当作 YAML 锚点（anchor）。请给整个值加引号"),
)


def explain(exc: yaml.YAMLError, first_line: int = 1) -> tuple[int, str]:
    """The file line and a plain Chinese sentence for a PyYAML error.

    Args:
        exc: The error PyYAML raised.
        first_line: The file line of the YAML text's first line (front matter starts on line 2).

    Returns:
        ``(line, message)``; the message keeps PyYAML's own words in brackets for searching.
    """
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    marks = [getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)]
    if "end" in problem and "stream" in problem:
        marks.reverse()  # reading ran off the end: the bracket or quote that opened is the place to look
    mark = next((m for m in marks if m is not None), None)
    line = first_line + mark.line if mark is not None else first_line
    for prefix, plain in PLAIN:
        if problem.startswith(prefix):
            return line, f"YAML 写法有误：{plain}。（YAML: {problem}）"
    return line, f"YAML 写法有误（{problem}）。请对照 CONTRIBUTING.md 的 Front matter 参考检查这一行"


#: Characters that only a backslash escape in a double-quoted string can put in a value here.
ESCAPED = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
#: What follows ``\n`` when a LaTeX command (``\nabla``, ``\neq``, ``\nu`` ...) lost its backslash.
LATEX_AFTER_N = re.compile(r"(?:abla|eq|e|u|ot|otin|eg|i|ewline|leq|geq|mid|parallel|subseteq|cong|sim)(?![A-Za-z])")
#: The escapes above as written in the source, for the message (``\f`` of ``\frac``).
NAMES = {"\x07": "\\a", "\x08": "\\b", "\t": "\\t", "\n": "\\n", "\x0b": "\\v", "\x0c": "\\f",
         "\r": "\\r", "\x1b": "\\e", "\x00": "\\0", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def escaped_control_characters(text: str, first_line: int = 1) -> list[tuple[int, str, str]]:
    r"""Double-quoted scalars whose value holds a control character made by a YAML escape.

    Args:
        text: The YAML source.
        first_line: The file line of the source's first line.

    Returns:
        ``(line, field, escape)`` per damaged value: ``field`` is a path such as
        ``corrections[1].why``, ``escape`` the escape as written (``\\f``).
    """
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []  # reported by the parser already
    found = []
    for field, node in walk(root, ""):
        if node.style != '"':
            continue
        for m in ESCAPED.finditer(node.value):
            # A newline is a fair escape (quoted raw code); "\nabla" or "\neq" is LaTeX eaten.
            if m.group() == "\n" and not LATEX_AFTER_N.match(node.value, m.end()):
                continue
            found.append((first_line + node.start_mark.line, field, NAMES.get(m.group(), repr(m.group()))))
            break
    return found


def walk(node: yaml.Node | None, path: str) -> Iterator[tuple[str, yaml.ScalarNode]]:
    """Every scalar node under ``node`` with its field path (``a.b[2].c``)."""
    if isinstance(node, yaml.ScalarNode):
        yield path, node
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value, 1):
            yield from walk(child, f"{path}[{i}]")
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            yield from walk(value, f"{path}.{name}" if path else name)


def escape_message(field: str, escape: str) -> str:
    """The message for a value damaged by a YAML escape."""
    return (f"{field}：双引号字符串里的 {escape} 被 YAML 当作转义符，变成了控制字符"
            f"（LaTeX 的 \\frac、\\text、\\nabla 等会被悄悄改坏）。"
            "请改用单引号 '...'（反斜杠原样保留）或块标量 |")
