"""Say clearly why a file handed to ``kb import`` is not a raw bank, before parsing it."""

from __future__ import annotations

import json
from pathlib import Path

from kb.bank.parse import BankError

#: How a raw bank looks, for error messages.
EXPECTED = "a raw bank is Markdown with numbered item headings ('#### 题目1：标题' or '### 1. 标题')"


def check_bank_file(path: Path) -> None:
    """Raise :class:`BankError` (``path:line: message``) for a file that cannot be a raw bank.

    Catches what the parser would only report as "no items": a missing path, a folder,
    binary data, JSON and CSV/TSV exports. Anything else is left to the parser.
    """
    shown = str(path)
    if not path.exists():
        raise BankError(shown, 1, "no such file")
    if not path.is_file():
        raise BankError(shown, 1, "not a file")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise BankError(shown, data[: data.index(b"\0")].count(b"\n") + 1,
                        f"binary data (NUL byte), not text; {EXPECTED}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(shown, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); {EXPECTED}") from None
    stripped = text.strip()
    if not stripped:
        raise BankError(shown, 1, f"empty file: no items; {EXPECTED}")
    if stripped[0] in "[{":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            raise BankError(shown, 1, f"this is JSON, not a raw bank; {EXPECTED}")
    first = stripped.split("\n", 1)[0]
    if not first.startswith(("#", "*", ">")) and (first.count(",") >= 2 or first.count("\t") >= 2):
        raise BankError(shown, 1, f"this looks like CSV/TSV, not a raw bank; {EXPECTED}")
