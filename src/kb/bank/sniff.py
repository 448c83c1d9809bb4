"""Say clearly why a file handed to ``kb import`` is not a raw bank, before parsing it."""

from __future__ import annotations

import json
from pathlib import Path

from kb.bank.parse import BankError

#: What to do instead, for error messages.
EXPECTED = "原始题库应是带编号题目标题的 Markdown 文本（'#### 题目1：标题' 或 '### 1. 标题'）"


def check_bank_file(path: Path) -> None:
    """Raise :class:`BankError` (``path:line: message``) for a file that cannot be a raw bank.

    Catches what the parser would only report as "no items": a missing path, a folder,
    binary data, JSON and CSV/TSV exports. Anything else is left to the parser.
    """
    shown = str(path)
    if not path.exists():
        raise BankError(shown, 1, "文件不存在。请检查路径")
    if not path.is_file():
        raise BankError(shown, 1, "这不是一个文件（是文件夹？）。请给出题库文件的路径")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise BankError(shown, data[: data.index(b"\0")].count(b"\n") + 1,
                        f"这是二进制数据（含 NUL 字节），不是文本。{EXPECTED}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(shown, line,
                        f"不是 UTF-8 文本（字节 0x{data[exc.start]:02x}）。请先转成 UTF-8；{EXPECTED}") from None
    stripped = text.strip()
    if not stripped:
        raise BankError(shown, 1, f"文件是空的，没有任何题目。{EXPECTED}")
    if stripped[0] in "[{":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            raise BankError(shown, 1, f"这是 JSON，不是原始题库。{EXPECTED}")
    first = stripped.split("\n", 1)[0]
    if not first.startswith(("#", "*", ">")) and (first.count(",") >= 2 or first.count("\t") >= 2):
        raise BankError(shown, 1, f"这像是 CSV/TSV 表格，不是原始题库。{EXPECTED}")
