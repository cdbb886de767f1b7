"""Any text as LaTeX that pdflatex compiles: the letters of labels inside ``\\text{...}``.

``tex_text(s)`` is ASCII whatever ``s`` holds, for pdflatex with its default
fonts (OT1) and ``amsmath``: LaTeX's special characters are spelled out
(``%`` -> ``\\%``, ``\\`` -> ``\\textbackslash{}``), characters OT1 prints as
other glyphs too (``<`` would be ``¡``, ``|`` an em dash), ligatures are broken
(``--`` stays two hyphens); accented letters become accent commands
(``é`` -> ``\\'{e}``, ``x̂`` -> ``\\^{x}``), Greek letters and a few symbols become
their commands (``α`` -> ``$\\alpha$``); any other character, a control character
or an emoji, is shown as its Python escape (``\\u0000``, ``\\U0001f600``) so that
nothing can break the document.

``tex_text(s, pdflatex=False)`` is for MathJax (Jupyter, GitHub), which reads
Unicode: only LaTeX's specials and the control characters are replaced.
"""

from __future__ import annotations

import unicodedata

from viz.chainrule.visible import visible

__all__ = ["tex_text", "wrap_tex"]

# LaTeX's special characters, as text.
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
            "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
# What OT1 fonts would print as other glyphs.
_OT1 = {"<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\texttt{\char34}"}
# Pairs pdflatex would join into one glyph (-- is an en dash, `` a quote, !` an inverted !).
_LIGATURES = {"--", "``", "''", "!`", "?`", ",,"}
# Combining marks and the text accent that draws each over (or under) a letter.
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
            "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
            "\u0327": "c", "\u0331": "b"}
_BELOW = {"\u0323", "\u0327", "\u0331"}  # these leave the dot of i and j alone
_GREEK = ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi rho varsigma"
          " sigma tau upsilon varphi chi psi omega").split()
_GREEK_UPPER = "A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi Omega".split()
# Letters and symbols without an accent decomposition, as text (or as $math$).
_SYMBOLS: dict[str, str] = {
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "œ": r"\oe{}", "Œ": r"\OE{}", "ø": r"\o{}", "Ø": r"\O{}",
    "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}", "ȷ": r"\j{}", "¡": r"\textexclamdown{}",
    "¿": r"\textquestiondown{}", "§": r"\S{}", "¶": r"\P{}", "©": r"\copyright{}", "®": r"\textregistered{}",
    "£": r"\pounds{}", "°": r"\textdegree{}", "·": r"\textperiodcentered{}", "–": r"\textendash{}",
    "—": r"\textemdash{}", "‘": r"\textquoteleft{}", "’": r"\textquoteright{}", "“": r"\textquotedblleft{}",
    "”": r"\textquotedblright{}", "…": r"\dots{}", "•": r"\textbullet{}", "†": r"\dag{}", "‡": r"\ddag{}",
    "€": r"\texteuro{}", "¢": r"\textcent{}", "¥": r"\textyen{}", "™": r"\texttrademark{}",
    "\u00a0": "~", "\u00ad": r"\-", "µ": r"$\mu$", "×": r"$\times$", "÷": r"$\div$", "±": r"$\pm$",
    "¬": r"$\neg$", "¹": r"$^{1}$", "²": r"$^{2}$", "³": r"$^{3}$", "′": r"$'$", "″": r"$''$",
    "−": r"$-$", "⋅": r"$\cdot$", "∙": r"$\bullet$", "→": r"$\rightarrow$", "←": r"$\leftarrow$",
    "↑": r"$\uparrow$", "↓": r"$\downarrow$", "↔": r"$\leftrightarrow$", "⇒": r"$\Rightarrow$",
    "≤": r"$\leq$", "≥": r"$\geq$", "≠": r"$\neq$", "≈": r"$\approx$", "∞": r"$\infty$",
    "∂": r"$\partial$", "∇": r"$\nabla$", "∑": r"$\sum$", "∏": r"$\prod$", "√": r"$\surd$",
    "∈": r"$\in$", "∫": r"$\int$", "ϵ": r"$\epsilon$", "ϑ": r"$\vartheta$", "ϕ": r"$\phi$",
    "ϖ": r"$\varpi$", "ϱ": r"$\varrho$",
    **{chr(0x3B1 + i): rf"$\{name}$" if len(name) > 1 else name for i, name in enumerate(_GREEK)},
    **{chr(0x391 + i): rf"$\{name}$" if len(name) > 1 else name for i, name in enumerate(_GREEK_UPPER)
       if name != "-"},
}
# A TeX line may be at most a few thousand characters long in some installations: longer ones are broken.
_MAX_LINE = 1000


def _escape(ch: str) -> str:
    """``ch``'s Python escape, as LaTeX text: ``\\textbackslash{}u0000``."""
    code = visible(ch) or (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return _SPECIAL["\\"] + code[1:]


def _accented(ch: str) -> str | None:
    """``ch`` as accent commands over an ASCII letter (``ǖ`` -> ``\\={\\"{u}}``), or None."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not (base.isascii() and base.isalpha()) or any(m not in _ACCENTS for m in marks):
        return None
    out = base
    if base in "ij" and marks[0] not in _BELOW:
        out = "\\" + base  # the dotless i under an accent: \'{\i}
    for mark in marks:
        out = f"\\{_ACCENTS[mark]}{{{out}}}"
    return out


def _ascii_char(ch: str) -> str:
    if ch.isascii() and ch.isprintable():
        return _SPECIAL.get(ch) or _OT1.get(ch) or ch
    return _SYMBOLS.get(ch) or _accented(ch) or _escape(ch)


def tex_text(text: str, pdflatex: bool = True) -> str:
    """``text`` safe inside ``\\text{...}``; ASCII that pdflatex compiles (see the module), or, with
    ``pdflatex=False``, Unicode for MathJax with only LaTeX's specials and control characters replaced."""
    if not pdflatex:
        return "".join(_SPECIAL.get(ch) or (_escape(ch) if visible(ch) else ch) for ch in text)
    out: list[str] = []
    previous = ""
    accentable = False  # whether the last piece is a letter a combining mark may go over
    for ch in unicodedata.normalize("NFC", text):
        if ch in _ACCENTS and accentable:
            # A mark NFC could not combine with the letter before it (x̂): the accent over that letter.
            letter = "\\" + out[-1] if out[-1] in ("i", "j") and ch not in _BELOW else out[-1]
            out[-1] = f"\\{_ACCENTS[ch]}{{{letter}}}"
        else:
            piece = _ascii_char(ch)
            if previous + ch in _LIGATURES or out and out[-1].endswith("$") and piece.startswith("$"):
                out.append("{}")  # two glyphs, not a ligature; two formulas, not $$
            out.append(piece)
            accentable = ch.isascii() and ch.isalpha() or _accented(ch) is not None
        previous = ch
    return "".join(out)


def wrap_tex(tex: str) -> str:
    """``tex`` with each line longer than ``_MAX_LINE`` broken by ``%`` + newline (which TeX reads as
    nothing) at points that split no command: after a character that does not end a command name."""
    lines = []
    for line in tex.split("\n"):
        while len(line) > _MAX_LINE:
            cut = _safe_cut(line, _MAX_LINE // 2)
            if cut is None:
                break
            lines.append(line[:cut] + "%")
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def _safe_cut(line: str, start: int) -> int | None:
    """The first index >= ``start`` where ``line`` can be cut, or None: the character before the cut
    is no backslash and no letter of a command name, the one after it no space (TeX would drop it)."""
    for i in range(start, len(line)):
        before, after = line[i - 1], line[i]
        if before == "\\" or after == " ":
            continue
        if before.isalpha():
            j = i - 1
            while j > 0 and line[j - 1].isalpha():
                j -= 1
            if j > 0 and line[j - 1] == "\\":
                continue  # inside (or at the end of) a command name
        return i
    return None
