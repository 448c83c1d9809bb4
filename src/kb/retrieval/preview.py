"""Plain, readable text from the HTML and TeX that Material puts in its search index."""

from __future__ import annotations

import html
import re
import unicodedata

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_SYMBOLS = {
    "times": "×", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "~", "propto": "∝",
    "sum": "Σ", "prod": "Π", "int": "∫", "infty": "∞", "partial": "∂", "nabla": "∇", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftrightarrow": "⇔", "mapsto": "↦",
    "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "mid": "|",
    "vert": "|", "Vert": "‖", "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|",
    "langle": "⟨", "rangle": "⟩", "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧",
    "lor": "∨", "star": "*", "ast": "*", "prime": "′", "deg": "°", "top": "ᵀ", "emptyset": "∅",
    "quad": " ", "qquad": " ", "lbrace": "{", "rbrace": "}", "{": "{", "}": "}", "%": "%",
    "_": "_", "&": "&", "|": "‖", "#": "#", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
}
_SUP_FROM, _SUP_TO = "0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ"
_SUB_FROM, _SUB_TO = "0123456789+-=()aeijknmotx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₙₘₒₜₓ"
_SUP = str.maketrans(_SUP_FROM, _SUP_TO)
_SUB = str.maketrans(_SUB_FROM, _SUB_TO)
_ACCENT = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7", "dot": "\u0307"}

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
_TAG = re.compile(r"<[^>]*>")


def _group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at ``tex[i]``: a braced group or one character."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] != "{":
        if tex[i] == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            return m.group(0), i + len(m.group(0))
        return tex[i], i + 1
    depth, j = 0, i
    while j < len(tex):
        depth += {"{": 1, "}": -1}.get(tex[j], 0)
        if depth == 0:
            return tex[i + 1:j], j + 1
        j += 1
    return tex[i + 1:], len(tex)


def _wrap(text: str) -> str:
    return text if len(text) <= 1 or re.fullmatch(r"[\w.]+", text) else f"({text})"


def _script(text: str, superscript: bool) -> str:
    """``²`` or ``ᵢ`` when Unicode has every character, else ``^(..)`` / ``_(..)``."""
    chars, table, mark = (_SUP_FROM, _SUP, "^") if superscript else (_SUB_FROM, _SUB, "_")
    if text and all(c in chars or (superscript and c == "ᵀ") for c in text):
        return text.translate(table)
    return mark + _wrap(text)


def tex_to_text(tex: str) -> str:
    r"""Render a TeX formula as readable plain text.

    Args:
        tex: The formula without delimiters, e.g. ``P=\\frac{TP}{TP+FP}``.

    Returns:
        Unicode text a reader can read in a search preview, e.g. ``P=TP/(TP+FP)``:
        fractions become ``a/b``, Greek letters and operators their symbols, simple
        super- and subscripts Unicode scripts; other commands leave their arguments.
    """
    out: list[str] = []
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name = m.group(1) if m else ""
            i += len(m.group(0)) if m else 1
            if name in ("frac", "dfrac", "tfrac"):
                num, i = _group(tex, i)
                den, i = _group(tex, i)
                out.append(f"{_wrap(tex_to_text(num))}/{_wrap(tex_to_text(den))}")
            elif name == "sqrt":
                arg, i = _group(tex, i)
                out.append("√" + _wrap(tex_to_text(arg)))
            elif name in _ACCENT:
                arg, i = _group(tex, i)
                out.append(tex_to_text(arg) + _ACCENT[name])
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
                          "limits", "nolimits"):
                continue
            elif name in ("log", "ln", "exp", "max", "min", "arg", "sin", "cos", "tanh", "det", "lim",
                          "sup", "inf", "Pr", "softmax"):
                out.append(name + " ")
            else:  # \text{..}, \mathrm{..}, \operatorname{..}, \mathbf{..}: keep the argument
                if i < len(tex) and tex[i] == "{":
                    arg, i = _group(tex, i)
                    out.append(tex_to_text(arg))
        elif c in "^_":
            arg, i = _group(tex, i + 1)
            text = tex_to_text(arg).strip()
            out.append(_script(text, c == "^"))
        elif c in "{}":
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        else:
            out.append(c)
            i += 1
    return unicodedata.normalize("NFC", re.sub(r" {2,}", " ", "".join(out)).strip())


def readable(fragment: str) -> str:
    r"""Plain text of an HTML fragment from Material's index, formulas rendered as text.

    Args:
        fragment: HTML with arithmatex ``\\(...\\)`` / ``\\[...\\]`` formulas and
            zero-width spaces that Material inserts between jieba words.

    Returns:
        Text without tags, entities decoded, formulas through :func:`tex_to_text`,
        whitespace collapsed.
    """
    text = html.unescape(_TAG.sub(" ", fragment.replace("\u200b", "")))
    text = _MATH.sub(lambda m: tex_to_text(next(g for g in m.groups() if g is not None)), text)
    return " ".join(text.split())
