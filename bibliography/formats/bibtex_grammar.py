"""BibTeX's language as BibTeX and biber read it, before any field means anything: the entries of a
file, with `@string` macros (the month macros included) expanded, `#` concatenation joined,
`@preamble` and `@comment` set aside, text between entries ignored, the first of a duplicate field
kept, and `crossref` and biblatex `xdata` inheritance applied.

The scanner is pybtex's, which follows BibTeX's own grammar. Around it: the file is cut before each
line that starts with `@`, so an entry that breaks the grammar spoils only itself. Such an entry is
read again with `\\{` and `\\}` taken as escaped braces, with a missing comma put back, or joined
with the next piece when one of its values only seemed to end; otherwise it is kept with what could
be read and its broken field verbatim. Every field keeps its source text beside its value, so that
a value nobody can read is written back exactly as it came.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pybtex.database.input.bibtex import NAME_CHARS, LowLevelParser, SkipEntry, month_names
from pybtex.scanner import PrematureEOF, PybtexSyntaxError
from pybtex.utils import CaseInsensitiveDict

from .reader import Line

ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_ENTRY_ANYWHERE = re.compile(r"(?<![\w.])@\s*[A-Za-z]+\s*[{(]")
# biblatex's data containers: their fields are inherited, they are no work of their own
CONTAINERS_ONLY = {"xdata"}
MAX_JOINED = 3  # following pieces an entry whose value seems unclosed may run into before it is cut
MAX_REPAIRS = 20  # missing commas put back in one piece

# biblatex's default inheritance (its manual, appendix B): a parent's title is the child's booktitle,
# and some fields are never inherited. BibTeX inherits fields of the same name.
_TITLE_AS = {
    "inbook": "booktitle", "bookinbook": "booktitle", "suppbook": "booktitle", "incollection": "booktitle",
    "suppcollection": "booktitle", "inproceedings": "booktitle", "inreference": "booktitle",
}  # fmt: skip
_NEVER_INHERITED = {
    "ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options", "presort", "related",
    "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey", "xdata",
}  # fmt: skip
# entry types that crossref points at (any entry may be a parent; these are kept in case one is)
_PARENT_TYPES = {
    "proceedings", "mvproceedings", "book", "mvbook", "collection", "mvcollection", "reference", "mvreference",
    "periodical", "journal", "xdata",
}  # fmt: skip
_ESCAPED = {"\\{": "\x0e\x0e", "\\}": "\x0f\x0f"}  # the same length: positions in the text stay true
_FIELD_NEXT = re.compile(r"\s*[A-Za-z][\w:.+/-]*\s*=")
_KEYLESS = re.compile(r"(@\s*[A-Za-z]+\s*[{(]\s*)(?=,|[A-Za-z][\w-]*\s*=)")  # `@misc{,` (Mendeley), `@misc{title = …`
NO_KEY = "\x01"  # stands for the key an entry lacks while it is scanned
# a key with spaces or commas in it (Scopus: `{Pierella Karlusich2022,`, `{Ribeiro, Jr2022,`): everything up to
# the comma before the first field
_SPACED_KEY = re.compile(
    r"(@\s*[A-Za-z]+\s*[{(][ \t]*)([^={}()\n]*?[ \t,][^={}()\n]*?)(?=[ \t]*,\s*[A-Za-z][\w:.+/-]*\s*=)"
)
_IN_KEY = {" ": "\x02", "\t": "\x03", ",": "\x04"}  # stand for what a key cannot hold while it is scanned


@dataclass
class Entry:
    """One entry as written: type and key, each field's value (macros and `#` resolved, braces inside
    kept) and its source text, field names lower-cased; and what the reader should say about it."""

    type: str
    key: str
    line: int
    raw: str
    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (field or "", what was done)
    verbatim: set[str] = field(default_factory=set)  # fields whose value is only their source text
    inherited: set[str] = field(default_factory=set)  # fields that came from a crossref or xdata parent


@dataclass
class _Scanned:
    kind: str
    key: str
    fields: list[tuple[str, str, str]]  # name, value, source
    start: int
    end: int
    errors: list[PybtexSyntaxError]
    undefined: list[tuple[str, str]]  # field, macro
    broken: tuple[str, int] | None  # the field whose value broke, and where that value starts


class _Scanner(LowLevelParser):
    """pybtex's scanner of BibTeX's grammar, noting each field's source text and whatever it could not
    read or resolve instead of raising."""

    def __init__(self, text: str, macros: CaseInsensitiveDict):
        super().__init__(text, macros=macros)
        self.errors: list[PybtexSyntaxError] = []
        self.stray: list[PybtexSyntaxError] = []
        self._reset()

    def _reset(self) -> None:
        self.sources: list[str] = []
        self.undefined: list[tuple[str, str]] = []
        self.in_value: tuple[str, int] | None = None

    def handle_error(self, error):
        self.errors.append(error)

    def scanned(self) -> Iterator[_Scanned]:
        while self.skip_to([self.AT]):
            self.command_start = start = self.pos - 1
            self._reset()
            before = len(self.errors)
            try:
                kind, body = self.parse_command()
            except SkipEntry:  # @comment
                continue
            except PybtexSyntaxError as error:  # an @ in text between entries: no command at all
                self.stray.append(error)
                continue
            errors = self.errors[before:]
            end = self.pos
            if errors:  # the rest of a broken entry is its own, up to the next entry
                resume = _ENTRY_ANYWHERE.search(self.text, max(self.pos, start + 1))
                end = self.pos = resume.start() if resume else len(self.text)
            if kind.lower() == "string":
                continue
            if kind.lower() == "preamble":
                yield _Scanned("preamble", "", [("", "".join(body[0]), "")], start, end, errors, [], None)
                continue
            key, fields = body
            named = [
                (name, "".join(parts), source) for (name, parts), source in zip(fields, self.sources, strict=False)
            ]
            broken = self.in_value if errors else None
            yield _Scanned(kind.lower(), key or "", named, start, end, errors, self.undefined, broken)

    def parse_field(self):
        name = self.optional([self.NAME])
        if not name:
            return
        self.current_field_name = name.value
        self.required([self.EQUALS])
        self.eat_whitespace()
        self.in_value = (name.value, self.pos)
        self.parse_value()
        self.sources.append(self.text[self.in_value[1] : self.pos].rstrip())
        self.in_value = None

    def substitute_macro(self, name):
        if name in self.macros:
            return self.macros[name]
        self.undefined.append((self.current_field_name or "", name))
        return name  # what users mean: `journal = jmlr` without its @string is "jmlr"


def _scan(text: str, macros: CaseInsensitiveDict) -> tuple[list[_Scanned], _Scanner]:
    scanner = _Scanner(text, macros)
    return list(scanner.scanned()), scanner


# pybtex's own tokens, as regular expressions over the whole piece
_NAME = re.compile(rf"[{re.escape(NAME_CHARS)}][{re.escape(NAME_CHARS)}0-9]*")
_ENTRY_HEAD = re.compile(rf"@\s*({_NAME.pattern})\s*\{{\s*([^\s,}}]+)\s*")
_FIELD_HEAD = re.compile(rf"({_NAME.pattern})\s*=\s*")
_SPACE = re.compile(r"\s*")
_NUMBER = re.compile(r"[0-9]+")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACES = re.compile(r'["{}]')
_MAX_DEPTH = 100  # pybtex's limit of nested braces
_NOT_AN_ENTRY = {"string", "preamble", "comment"}


def _scan_plain(text: str, macros: CaseInsensitiveDict) -> list[_Scanned] | None:
    """The piece read as pybtex's scanner reads it, for the shape nearly every entry has: one
    `@type{key, name = value, …}` whose values are braced or quoted strings, numbers and defined
    macros, joined by `#`, followed by no other `@`. Three to five times faster than pybtex's
    token-by-token scanner; anything else (an error, @string, parentheses) is None, for pybtex."""
    at = text.find("@")
    if at < 0:
        return []
    head = _ENTRY_HEAD.match(text, at)
    if not head or head[1].lower() in _NOT_AN_ENTRY:
        return None
    kind, key, pos = head[1], head[2], head.end()
    fields = []
    while True:
        if text.startswith(",", pos):
            pos = _SPACE.match(text, pos + 1).end()
        elif not text.startswith("}", pos):
            return None
        if text.startswith("}", pos):
            break
        field = _FIELD_HEAD.match(text, pos)
        if not field:
            return None
        start = pos = field.end()
        parts = []
        while True:
            part, pos = _value_part(text, pos, macros)
            if part is None:
                return None
            parts.append(part)
            after = _SPACE.match(text, pos).end()
            if not text.startswith("#", after):
                break
            pos = _SPACE.match(text, after + 1).end()
        fields.append((field[1], "".join(parts), text[start:pos]))
        pos = _SPACE.match(text, pos).end()
    end = pos + 1
    if "@" in text[end:]:
        return None
    return [_Scanned(kind.lower(), key, fields, at, end, [], [], None)]


def _value_part(text: str, pos: int, macros: CaseInsensitiveDict) -> tuple[str | None, int]:
    """One part of a value at `pos` and where it ends; None where pybtex would have to say more."""
    opening = text[pos : pos + 1]
    if opening == "{" or opening == '"':
        depth, at = 0, pos + 1
        while mark := (_QUOTE_OR_BRACES if opening == '"' and not depth else _BRACES).search(text, at):
            at = mark.end()
            if mark[0] == "{":
                depth += 1
                if depth > _MAX_DEPTH:
                    return None, pos
            elif mark[0] == "}" and depth:
                depth -= 1
            elif mark[0] == "}" and opening == '"':
                return None, pos  # pybtex: unbalanced braces
            else:
                return text[pos + 1 : mark.start()], at
        return None, pos
    if number := _NUMBER.match(text, pos):
        return number[0], number.end()
    if (name := _NAME.match(text, pos)) and name[0] in macros:
        return macros[name[0]], name.end()
    return None, pos


def _clean(scanned: list[_Scanned]) -> bool:
    return not any(s.errors for s in scanned)


def _pieces(lines: Iterable[Line]) -> Iterator[tuple[int, str]]:
    """The file cut before each line that starts an entry: (first line number, text)."""
    buffer: list[str] = []
    first = 1
    for line in lines:
        if buffer and ENTRY_START.match(line.text):
            yield first, "\n".join(buffer) + "\n"
            buffer, first = [], line.number
        buffer.append(line.text)
    if buffer:
        yield first, "\n".join(buffer) + "\n"


class _Lookahead:
    def __init__(self, pieces: Iterator[tuple[int, str]]):
        self.pieces = pieces
        self.ahead: list[tuple[int, str]] = []

    def pop(self) -> tuple[int, str] | None:
        return self.ahead.pop(0) if self.ahead else next(self.pieces, None)

    def peek(self, n: int) -> list[tuple[int, str]]:
        while len(self.ahead) < n and (piece := next(self.pieces, None)) is not None:
            self.ahead.append(piece)
        return self.ahead[:n]

    def drop(self, n: int) -> None:
        del self.ahead[:n]


class Reading:
    """The entries of one file, in order, each once its parents (crossref, xdata) have been read."""

    def __init__(self):
        self.macros = CaseInsensitiveDict(month_names)
        self.preambles: list[tuple[int, str]] = []
        self.stray: list[tuple[int, str]] = []  # (line, what): text between entries that began like one
        self.parents: dict[str, Entry] = {}
        self.wanted: set[str] = set()  # keys a child named before its parent came
        self.waiting: dict[str, list[Entry]] = {}

    def entries(self, lines: Iterable[Line]) -> Iterator[Entry]:
        ahead = _Lookahead(_pieces(lines))
        while (piece := ahead.pop()) is not None:
            for entry in self._read(*piece, ahead):
                yield from self._inherit(entry)
        for key, children in self.waiting.items():
            for child in children:
                child.notes.append(("crossref", f"no entry {key!r} in the file to inherit from"))
                yield child

    def _read(self, first: int, text: str, ahead: _Lookahead) -> list[Entry]:
        plain = _scan_plain(text, self.macros)
        if plain is not None:
            return [self._entry(first, text, s, []) for s in plain]
        before = CaseInsensitiveDict(self.macros)
        scanned, scanner = _scan(text, self.macros)
        notes: list[tuple[str, str]] = []
        if not _clean(scanned):
            for attempt, note in self._repairs(text, scanned, ahead):
                retried, rescanner = _scan(attempt.text, CaseInsensitiveDict(before))
                if _clean(retried):
                    self.macros = rescanner.macros
                    scanned, scanner = retried, rescanner
                    text = text if attempt.mask else attempt.text
                    if attempt.mask:
                        scanned = [_unmask(s) for s in scanned]
                    ahead.drop(attempt.joined)
                    notes.append(("", note))
                    break
        self.stray += [(first + text.count("\n", 0, e.error_context_info[-1]), _said(e)) for e in scanner.stray]
        self.preambles += [(first + text.count("\n", 0, s.start), s.fields[0][1]) for s in scanned if self._preamble(s)]
        return [self._entry(first, text, s, notes) for s in scanned if not self._preamble(s)]

    def _repairs(self, text: str, scanned: list[_Scanned], ahead: _Lookahead) -> Iterator[tuple["_Attempt", str]]:
        masked = text
        for escaped, mask in _ESCAPED.items():
            masked = masked.replace(escaped, mask)
        if masked != text:
            yield _Attempt(masked, mask=True), "\\{ and \\} read as escaped braces (BibTeX counts them as braces)"
        spaced = _SPACED_KEY.sub(lambda m: m.group(1) + m.group(2).translate(str.maketrans(_IN_KEY)), text)
        if spaced != text:
            yield _Attempt(spaced, mask=True), "a key with spaces in it, which no LaTeX document can cite"
        keyed = _KEYLESS.sub(lambda m: m.group(1) + NO_KEY + ("" if text[m.end() : m.end() + 1] == "," else ","), text)
        if keyed != text:
            yield _Attempt(keyed, keyed=True), "an entry without a key: one is made for it"
        repaired, commas = text, 0
        while commas < MAX_REPAIRS:
            retried, _ = _scan(repaired, CaseInsensitiveDict(self.macros))
            error = next((e for s in retried for e in s.errors), None)
            position = error.error_context_info[-1] if error else None
            if position is None or not _FIELD_NEXT.match(repaired, position):
                break
            repaired, commas = repaired[:position] + "," + repaired[position:], commas + 1
        if commas:
            yield _Attempt(repaired), f"{commas} missing comma{'s' if commas > 1 else ''} between fields put back"
        if any(isinstance(e, PrematureEOF) for s in scanned for e in s.errors):
            for n in range(1, MAX_JOINED + 1):
                following = ahead.peek(n)
                if len(following) < n:
                    return
                joined = text + "".join(piece for _, piece in following)
                yield _Attempt(joined, joined=n), "a line starting with @ inside a value read as part of it"

    @staticmethod
    def _preamble(scanned: _Scanned) -> bool:
        return scanned.kind == "preamble"

    def _entry(self, first: int, text: str, scanned: _Scanned, notes: list) -> Entry:
        entry = Entry(
            scanned.kind,
            "" if scanned.key == NO_KEY else scanned.key.translate(str.maketrans({v: k for k, v in _IN_KEY.items()})),
            first + text.count("\n", 0, scanned.start),
            text[scanned.start : scanned.end].rstrip().replace(NO_KEY, "", 1),
            notes=list(notes),
        )
        for name, value, source in scanned.fields:
            lower = name.lower()
            if lower in entry.values:
                entry.notes.append((lower, f"a second {name} field ({source[:60]}): the first is kept"))
                continue
            entry.values[lower], entry.sources[lower] = value, source
        for error in scanned.errors:
            entry.notes.append((scanned.broken[0].lower() if scanned.broken else "", f"{_said(error)}"))
        if scanned.broken:
            name, at = scanned.broken[0].lower(), scanned.broken[1]
            source = text[at : scanned.end].rstrip()
            source = re.sub(r"[\s,]*[})]?\s*$", "", source) if source.count("{") < source.count("}") else source
            if name not in entry.values and source:
                entry.values[name] = entry.sources[name] = source
                entry.verbatim.add(name)
        for name, macro in scanned.undefined:
            if name.lower() in entry.values:
                entry.verbatim.add(name.lower())
                entry.notes.append((name.lower(), f"the string macro {macro!r} is not defined in the file"))
        return entry

    def _inherit(self, entry: Entry) -> Iterator[Entry]:
        key = entry.key.lower()
        if entry.type in _PARENT_TYPES or key in self.wanted:
            self.parents[key] = entry
        if entry.type in CONTAINERS_ONLY:
            yield from self._release(key)
            return
        missing = [k for k in _parent_keys(entry) if k not in self.parents]
        if missing:
            self.wanted.update(missing)
            self.waiting.setdefault(missing[0], []).append(entry)
        else:
            self._take(entry)
            yield entry
        yield from self._release(key)

    def _release(self, key: str) -> Iterator[Entry]:
        for child in self.waiting.pop(key, []):
            yield from self._inherit(child)

    def _take(self, entry: Entry) -> None:
        crossref = entry.values.get("crossref", "").strip().lower()
        for parent_key in _parent_keys(entry):
            parent = self.parents[parent_key]
            for name, value in parent.values.items():
                if name in _NEVER_INHERITED:
                    continue
                target = name
                if parent_key == crossref and name in ("title", "subtitle", "titleaddon") and entry.type in _TITLE_AS:
                    target = "book" + name
                if target not in entry.values:
                    entry.values[target] = value
                    entry.sources[target] = parent.sources.get(name, value)
                    entry.inherited.add(target)
                    if name in parent.verbatim:
                        entry.verbatim.add(target)


@dataclass
class _Attempt:
    text: str
    mask: bool = False
    keyed: bool = False
    joined: int = 0


def _parent_keys(entry: Entry) -> list[str]:
    keys = [k.strip().lower() for k in entry.values.get("xdata", "").split(",") if k.strip()]
    if crossref := entry.values.get("crossref", "").strip():
        keys.append(crossref.lower())
    return keys


def _unmask(scanned: _Scanned) -> _Scanned:
    def back(value: str) -> str:
        for escaped, mask in _ESCAPED.items():
            value = value.replace(mask, escaped)
        return value

    scanned.fields = [(name, back(value), back(source)) for name, value, source in scanned.fields]
    return scanned


def _said(error: PybtexSyntaxError) -> str:
    return " ".join(str(error).split(": ", 1)[-1].split())
