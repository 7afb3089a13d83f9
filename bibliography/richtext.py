"""Titles and other text as the field writes them, in one internal form: CSL's rich text.

Markup is the subset CSL processors (citeproc-js, pandoc) read: `<i>`, `<b>`, `<sup>`, `<sub>`,
`<span style="font-variant:small-caps;">` and `<span class="nocase">`, the last for words a style
must not change the case of ("{ALEPH}", "{C++}" in BibTeX). Math stays LaTeX, verbatim, between
dollars ("a $\\beta$-divergence"); a dollar that is not math is written `\\$`. Everything else is
plain Unicode.

BibTeX is read into this form and written back from it (`from_latex`, `to_latex`); CSL-JSON carries
it as it is; `plain` drops the markup for keys, search and display.
"""

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
    LatexWalker,
    LatexWalkerError,
)
from pylatexenc.latexwalker import get_default_latex_context_db as get_latex_walker_context_db

NOCASE = '<span class="nocase">'
SMALL_CAPS = '<span style="font-variant:small-caps;">'
_STYLE_MACROS = {
    "textit": "i",
    "emph": "i",
    "mkbibemph": "i",
    "mkbibitalic": "i",
    "textsl": "i",
    "textbf": "b",
    "mkbibbold": "b",
    "textsuperscript": "sup",
    "mkbibsuperscript": "sup",
    "textsubscript": "sub",
    "mkbibsubscript": "sub",
    "textsc": "sc",
}
_DECLARATIONS = {
    "it": "i",
    "em": "i",
    "itshape": "i",
    "sl": "i",
    "bf": "b",
    "bfseries": "b",
    "sc": "sc",
    "scshape": "sc",
}
_OPEN = {"i": "<i>", "b": "<b>", "sup": "<sup>", "sub": "<sub>", "sc": SMALL_CAPS, "nocase": NOCASE}
_CLOSE = {"i": "</i>", "b": "</b>", "sup": "</sup>", "sub": "</sub>", "sc": "</span>", "nocase": "</span>"}
_SPECIALS = {"~": "\u00a0", "--": "\u2013", "---": "\u2014", "``": "\u201c", "''": "\u201d", "`": "\u2018"}
# Macros that print a character TeX reserves: kept as the character (a dollar stays escaped, see above).
_ESCAPED = {"&": "&", "%": "%", "#": "#", "_": "_", "{": "{", "}": "}", "$": "\\$", " ": " "}
_ESCAPED |= {"textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^"}

_TOKEN = re.compile(
    r'(?P<tag><i>|</i>|<b>|</b>|<sup>|</sup>|<sub>|</sub>|<span class="nocase">|'
    r'<span style="font-variant:\s*small-caps;?">|</span>)'
    r"|(?P<math>(?<!\\)\$[^$]+(?<!\\)\$)"
    r"|(?P<dollar>\\\$)"
)
_PLAIN_TAG = re.compile(r'</?(?:i|b|sup|sub)>|<span (?:class="nocase"|style="font-variant:\s*small-caps;?")>|</span>')


# reading LaTeX -------------------------------------------------------------------------------


@cache
def _walker_context():
    """pylatexenc builds its table of macros anew for every walker unless given one (a third of the
    time of reading a library went there)."""
    return get_latex_walker_context_db()


@cache
def _accents() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    # pylatexenc reads \textasciicircum as the modifier letter U+02C6; BibTeX files mean "^".
    context.add_context_category("bibliography", macros=[MacroTextSpec("textasciicircum", "^")], prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", keep_braced_groups=False)


_NEEDS_PARSING = re.compile(r"[\\{}$~]|--|``|''")


def from_latex(value: str) -> str:
    """A BibTeX field's value in the internal form: protected words, styles and math kept as such."""
    return read_latex(value)[0]


def read_latex(value: str) -> tuple[str, bool]:
    if len(value) < 300:  # names, journals and keywords recur all over a library
        return _read_short(value)
    return _read_latex(value)


@lru_cache(maxsize=65536)
def _read_short(value: str) -> tuple[str, bool]:
    return _read_latex(value)


def _read_latex(value: str) -> tuple[str, bool]:
    """The internal form, and whether writing it back gives the same LaTeX: only protected words,
    styles, math and escaped specials come back as they were; an accent (`{\\'e}`), a symbol
    (`{\\textemdash}`) or a macro nobody here knows (`\\ce{H2O}`, kept as written) do not, and the
    caller keeps the original to write back."""
    if not _NEEDS_PARSING.search(value):
        return value, True
    if "\\" not in value and "$" not in value and (fast := _braces_only(value)) is not None:
        return fast, True
    try:
        nodes = _nodes(value)
    except LatexWalkerError:
        return value, False
    unknown: list[str] = []
    text = "".join(_rich(nodes, top=True, unknown=unknown))
    return text, not unknown


def _nodes(value: str) -> list:
    nodes, _, _ = LatexWalker(value, latex_context=_walker_context(), tolerant_parsing=True).get_latex_nodes()
    return nodes or []


_TEXT_SPECIALS = re.compile(r"---|--|``|''|~")


def _braces_only(value: str) -> str | None:
    """The common case without a parser: text, braces and TeX's ligatures only (most titles of
    Zotero's and Better BibTeX's exports). None when the braces do not balance."""
    out, depth, start = [], 0, 0
    for position, char in enumerate(value):
        if char not in "{}":
            continue
        piece = _TEXT_SPECIALS.sub(lambda m: _SPECIALS[m.group()], value[start:position])
        if char == "{":
            out.append(piece)
            if depth == 0:
                out.append(NOCASE)
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            out.append(piece)
            if depth == 0:
                out.append("</span>")
        start = position + 1
    if depth:
        return None
    out.append(_TEXT_SPECIALS.sub(lambda m: _SPECIALS[m.group()], value[start:]))
    return "".join(out).replace(NOCASE + "</span>", "")


def _rich(nodes, *, top: bool, unknown: list[str]) -> list[str]:
    out: list[str] = []
    nodes = list(nodes)
    i = 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        if node is None or isinstance(node, LatexCommentNode):
            continue
        if isinstance(node, LatexCharsNode):
            out.append(node.chars)
        elif isinstance(node, LatexMathNode):
            out.append(_dollar_math(node))
        elif isinstance(node, LatexSpecialsNode):
            out.append(_SPECIALS.get(node.specials_chars, node.specials_chars))
        elif isinstance(node, LatexGroupNode):
            out.append(_group(node, top=top, unknown=unknown))
        elif isinstance(node, LatexMacroNode):
            if node.macroname in _ESCAPED:
                out.append(_ESCAPED[node.macroname])
                continue
            style = _STYLE_MACROS.get(node.macroname)
            if style:
                args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
                if not args and i < len(nodes) and isinstance(nodes[i], LatexGroupNode):
                    args, i = [nodes[i]], i + 1  # a macro pylatexenc does not know takes its group
                inner = "".join(
                    "".join(_rich(a.nodelist if isinstance(a, LatexGroupNode) else [a], top=False, unknown=unknown))
                    for a in args
                )
                out.append(_OPEN[style] + inner + _CLOSE[style])
            elif node.macroname in _DECLARATIONS:
                rest = "".join(_rich(nodes[i:], top=False, unknown=unknown))
                style = _DECLARATIONS[node.macroname]
                out.append(_OPEN[style] + rest.lstrip() + _CLOSE[style])
                break
            elif _accents().latex_context.get_macro_spec(node.macroname) is None:
                unknown.append(node.macroname)
                verbatim = node.latex_verbatim()
                if (
                    not (node.nodeargd and node.nodeargd.argnlist)
                    and i < len(nodes)
                    and isinstance(nodes[i], LatexGroupNode)
                ):
                    verbatim, i = verbatim + nodes[i].latex_verbatim(), i + 1
                out.append(verbatim)
            else:
                unknown.append(node.macroname)  # known, but written back as the character it makes
                out.append(_accents().nodelist_to_text([node]))
    return out


def _dollar_math(node: LatexMathNode) -> str:
    """Inline math as the internal form keeps it, between dollars: `\\(\\Sigma\\)` (DBLP's) is `$\\Sigma$`."""
    verbatim = node.latex_verbatim()
    if node.displaytype == "inline" and verbatim.startswith("\\(") and verbatim.endswith("\\)"):
        return "$" + verbatim[2:-2] + "$"
    return verbatim


def _group(node: LatexGroupNode, *, top: bool, unknown: list[str]) -> str:
    inner = node.nodelist or []
    first = next((n for n in inner if not (isinstance(n, LatexCharsNode) and not n.chars.strip())), None)
    if isinstance(first, LatexMacroNode) and first.macroname in _DECLARATIONS:
        return "".join(_rich(inner, top=False, unknown=unknown))
    if isinstance(first, LatexMacroNode) and first.macroname not in _STYLE_MACROS:
        # BibTeX's "special character" ({\"o}, {\ss}): a letter, not a protected word
        return "".join(_rich(inner, top=False, unknown=unknown))
    text = "".join(_rich(inner, top=False, unknown=unknown))
    return NOCASE + text + "</span>" if top and text else text


# writing LaTeX -------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "$": r"\$",
    "\u00a0": "~",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX_SPECIALS)) + "]")
# TeX reads -- as a dash and `` '' as curly quotes; an empty group between keeps them as typed.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
_LATEX_STYLE = {
    "<i>": r"\textit{",
    "<b>": r"\textbf{",
    "<sup>": r"\textsuperscript{",
    "<sub>": r"\textsubscript{",
    NOCASE: "{",
}


def _escape(text: str) -> str:
    return _LIGATURE.sub("{}", _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group()], text))


def _balanced(latex: str) -> bool:
    depth = 0
    for brace in re.findall(r"(?<!\\)[{}]", latex):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def to_latex(value: str) -> str:
    """The internal form as a BibTeX value: UTF-8 text, TeX's special characters escaped."""
    out: list[str] = []
    pos = 0
    opened = 0  # a closing tag without its opening one (`</span>` of an HTML span in an abstract) is text
    for match in _TOKEN.finditer(value):
        out.append(_escape(value[pos : match.start()]))
        pos = match.end()
        if match.group("math"):
            math = match.group("math")
            out.append(math if _balanced(math) else _escape(math))  # else the field would end inside it
        elif match.group("dollar"):
            out.append(r"\$")
        else:
            tag = match.group("tag")
            if tag.startswith("</") and not opened:
                out.append(_escape(tag))
            elif tag.startswith("</"):
                out.append("}")
                opened -= 1
            elif tag.startswith("<span style"):
                out.append(r"\textsc{")
                opened += 1
            else:
                out.append(_LATEX_STYLE[tag])
                opened += 1
    out.append(_escape(value[pos:]))
    return "".join(out) + "}" * opened  # markup a value left open (`<i>The title` cut short) ends with it


# case --------------------------------------------------------------------------------------

_WORDS = re.compile(r"(?P<word>[^\W_]+)|(?P<between>[\W_]+)")
# A sentence starts after `.`, `?`, `!` or `:` and a space, opening quotes or brackets aside.
_SENTENCE_END = re.compile(r"[.?!:]\s+[\"'\u201c\u2018\u2019(\[]*$")


def _case_tokens(value: str) -> list[tuple[str, str, bool]]:
    """(kind, text, may change case): words, what lies between them, and markup."""
    tokens: list[tuple[str, str, bool]] = []
    nocase, pos = 0, 0

    def text(chunk: str) -> None:
        for m in _WORDS.finditer(chunk):
            tokens.append(("word", m.group(), nocase == 0) if m.group("word") else ("between", m.group(), False))

    for match in _TOKEN.finditer(value):
        text(value[pos : match.start()])
        pos = match.end()
        tag = match.group("tag")
        if match.group("math"):
            tokens.append(("word", match.group(), False))
            continue
        if tag == NOCASE or (tag and tag.startswith("<span") and nocase):
            nocase += 1
        elif tag == "</span>" and nocase:
            nocase -= 1
        tokens.append(("markup", match.group(), False))
    text(value[pos:])
    return tokens


def _capitalised(word: str) -> bool:
    return word[0].isupper() and all(c.islower() for c in word[1:])


def sentence_case(value: str) -> str:
    """A title written in title case, as BibTeX styles want it, in sentence case, as CSL styles want
    it (a style can title-case a title, never the reverse): a word capitalised as an ordinary word
    is ("Of", "Study", "A") is lowered unless it starts the title or a sentence, and a first word in
    lower case is capitalised; acronyms, words with capitals or digits inside ("iPhone", "GPT",
    "Cs143"), protected words and math stay as written. This is the rule of pandoc's BibTeX reader
    for English titles, the last word included, so that a style renders the result as it renders the
    BibTeX."""
    out: list[str] = []
    for chunk, changeable, starts in _words_and_starts(value):
        if changeable and starts and chunk.islower():
            chunk = chunk[0].upper() + chunk[1:]
        elif changeable and not starts and _capitalised(chunk):
            chunk = chunk.lower()
        out.append(chunk)
    return "".join(out)


def _words_and_starts(value: str) -> Iterator[tuple[str, bool, bool]]:
    """Each piece of a title: its text, whether its case may change (a word outside protection and
    math), and whether it starts the title or a sentence."""
    tokens = _case_tokens(value)
    words = [i for i, (kind, _, _) in enumerate(tokens) if kind == "word"]
    between = ""
    for i, (kind, chunk, changeable) in enumerate(tokens):
        if kind == "between":
            between += chunk
        if kind != "word":
            yield chunk, False, False
            continue
        yield chunk, changeable, bool(i == words[0] or (_SENTENCE_END.search(between) and i != words[-1]))
        between = ""


# a quotation hugs its words: `" SUPERLEAGUE "` is two quote characters, not a quotation
_STRAIGHT_QUOTED = re.compile(r'(?<![\w"])"(?=\S)([^"<>]+)(?<=\S)"(?![\w"])')
_STRAIGHT_SINGLE = re.compile(r"(?<![\w'])'(?=\S)([^'<>]+)(?<=\S)'(?![\w'])")


def curly_quotes(value: str) -> str:
    """Text in straight quotes (CSL's way of nesting a quotation) in typographic ones, which BibTeX's
    readers take for quotation marks too (a straight quote is a character to them). Markup and math
    are left as they are (`<span class="nocase">` quotes its class)."""
    if '"' not in value and "'" not in value:
        return value
    kept: list[str] = []

    def aside(match: re.Match) -> str:
        kept.append(match.group())
        return f"\x00{len(kept) - 1}\x01"

    value = _TOKEN.sub(aside, value)
    value = _STRAIGHT_QUOTED.sub("\u201c\\1\u201d", value)
    value = _STRAIGHT_SINGLE.sub("\u2018\\1\u2019", value)
    return re.sub("\x00(\\d+)\x01", lambda m: kept[int(m.group(1))], value)


def keep_case(value: str) -> str:
    """A title whose capitals are meant (CSL's and RIS's are written as they should print) for BibTeX,
    whose readers put titles in sentence case: each word `sentence_case` would lower is protected."""
    return "".join(
        f"{NOCASE}{chunk}</span>" if changeable and not starts and _capitalised(chunk) else chunk
        for chunk, changeable, starts in _words_and_starts(value)
    )


def as_printed(value: str, whole: bool = False) -> str:
    """A title as it was before `keep_case` protected its capitals (or, `whole`, before it was kept
    whole in one nocase span): what our own BibTeX export says it wrote that way (`casing`) reads back
    as the title it was. A title whose protection is not exactly that is left as it is."""
    if whole:
        inside = re.fullmatch(r'<span class="nocase">(.*)</span>', value, re.DOTALL)
        return inside.group(1) if inside and _spans_balanced(inside.group(1)) else value
    # keep_case protects capitalised words only; other one-word protections are the title's own
    bare = _ONE_WORD_NOCASE.sub(lambda m: m.group(1) if _capitalised(m.group(1)) else m.group(), value)
    return bare if bare != value and keep_case(bare) == value else value


_ONE_WORD_NOCASE = re.compile(r'<span class="nocase">([^\s<>]+)</span>')


def _spans_balanced(value: str) -> bool:
    depth = 0
    for match in re.finditer(r"<span\b[^>]*>|</span>", value):
        depth += -1 if match.group() == "</span>" else 1
        if depth < 0:
            return False
    return depth == 0


def tex_quotes(value: str) -> str:
    """Straight single quotes as TeX prints them (`'` is a closing quote or an apostrophe, never an
    opening one), math aside: a CSL processor reads two of them as a quotation."""
    if "'" not in value:
        return value
    out, pos = [], 0
    for match in _TOKEN.finditer(value):
        out += [value[pos : match.start()].replace("'", "\u2019"), match.group()]
        pos = match.end()
    out.append(value[pos:].replace("'", "\u2019"))
    return "".join(out)


# plain text ----------------------------------------------------------------------------------

_BARE_DOLLAR = re.compile(r"(?<!\\)\$")


def literal_dollars(value: str) -> str:
    """Text from a format without TeX (CSL-JSON, RIS) in the internal form: its dollars are dollars,
    not math (`$1[2..-3]` in an abstract must not become a formula that no TeX reader can end)."""
    return _BARE_DOLLAR.sub(r"\\$", value) if "$" in value else value


def has_math(value: str) -> bool:
    """Whether the internal form holds math (a dollar not escaped)."""
    return bool(_BARE_DOLLAR.search(value))


def plain(value: str) -> str:
    """The text without its markup (math stays as written), for keys, search and display."""
    if "<" not in value and "\\$" not in value:
        return value
    return _PLAIN_TAG.sub("", value).replace("\\$", "$")
