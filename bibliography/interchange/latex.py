"""LaTeX escaping for BibTeX values, both ways.

Writing escapes what TeX would read as commands (`%`, `&`, `$`, `#`, `_`, braces, `\\`, `~`, `^`)
and spells accented letters as TeX does (`G\\"odel`); letters TeX has no spelling for (CJK) stay as
UTF-8, which biber and every reference manager read. Reading undoes both, so a title leaves and
comes back unchanged.
"""

import re
from functools import cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

_ASCII_SPECIALS = {
    "\\": r"{\textbackslash}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ASCII_SPECIALS)) + "]")
# TeX reads -- as a dash and `` '' as curly quotes; an empty group between keeps them as typed.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
_PLAIN = re.compile(r"[\\{}$~]|--|``|''")


@cache
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        conversion_rules=[
            UnicodeToLatexConversionRule(RULE_DICT, {ord(c): v for c, v in _ASCII_SPECIALS.items()}),
            "defaults",
        ],
        unknown_char_policy="keep",
        unknown_char_warning=False,
        # {\~n}, as BibTeX wants accents: bare \~n would split a name at the tilde (a tie in names)
        replacement_latex_protection="braces-all",
    )


@cache
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    # pylatexenc reads \textasciicircum as the modifier letter U+02C6; BibTeX files mean "^".
    context.add_context_category("bibliography", macros=[MacroTextSpec("textasciicircum", "^")], prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", keep_braced_groups=False)


def to_latex(value: str) -> str:
    if value.isascii():  # the common case, and pylatexenc is slow on long abstracts
        escaped = _SPECIAL.sub(lambda m: _ASCII_SPECIALS[m.group()], value)
    else:
        escaped = _encoder().unicode_to_latex(value)
    return _LIGATURE.sub("{}", escaped)


def from_latex(value: str) -> str:
    if not _PLAIN.search(value):
        return value
    return _decoder().latex_to_text(value)
