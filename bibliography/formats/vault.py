"""Knowledge-vault pages: one talk, its speakers and venue, a Mermaid concept graph and numbered key points.

    Knowledge Vault 2/24 - ICLR 2014-2023                       (optional: the vault and the talk's place in it)
    Ada Lovelace & Alan Turing ICLR 2020 - Keynote - A Title    (the talk line: speakers, venue year, session, title)
    <Resume Image >                                             (optional placeholder)
    **Concept Graph & Resume using ...:**                       (bold or not)
    graph LR
    classDef foundation fill:#f9d4d4, ...;
    A[Workshop ME-FoMo

    ICLR 2023] --> B[Foundation models workshop:

    pre-training, adaptation, emergence. 1] A --> C[...] ...
    class A,B foundation; class C,D,J,K scaling; ...
    **Resume: **
    **1.-**Workshop on mathematical and empirical understanding of foundation models, ...
    Knowledge Vault built byDavid Vivancos 2024

The talk line may instead name people separated by ` · ` and a workshop as its title (the bundled
page); the graph may be run together on one line; a "resume view" has key points (`1.-Text`) and no
graph; a page may have no talk line at all (the talk is then untitled and waits for a curator).

Each node is a topic concept, each `classDef` a category concept; edges and class memberships
become parent -> child relations. A label ending in a number names the key point it sums up. The
graph may be repeated (each copy is read into the same graph) and a copy may begin with the cut-off
tail of a label, which is recognised by the label it ends.

A page cut short keeps what is complete: the graph up to its last whole statement, the key points
read so far (the last one as far as it goes), and a review reason naming the line where it stops.
"""

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bibliography.text import ends_a_sentence
from bibliography.vocabulary import AuthorRole, ConceptKind, PaperKind, VenueKind

from .base import Format
from .errors import DumpError
from .reader import Line
from .records import UNTITLED_TALK_REASON, ConceptRecord, GraphRecord, PaperRecord, Person, TalkRecord, VenueRecord

_GRAPH_START = re.compile(r"^\s*(graph|flowchart)\s+(LR|RL|TD|TB|BT)\b", re.IGNORECASE)
_RESUME_HEADING = re.compile(r"^\s*(\*\*)?\s*(resume|summary)\s*:?\s*(\*\*)?\s*:?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:\*\*)?\s*(\d{1,4})\s*\.\s*-\s*(?:\*\*?)?\s*([^\s*].*)$")
_FOOTER = re.compile(r"^\s*knowledge vault built by", re.IGNORECASE)
_VAULT_HEADER = re.compile(r"^\s*(\*\*)?\s*knowledge\s+vault\b(?!\s+built)", re.IGNORECASE)
_VAULT_PARTS = re.compile(
    r"^knowledge\s+vault\s+(?P<vault>\d+)\s*/\s*(?P<item>\d+)(?:\s*[-\u2013]\s*(?P<about>\S.*))?$", re.IGNORECASE
)
_GRAPH_HEADING = re.compile(r"^\s*(\*\*)?\s*concept\s+graph\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^<[^<>]*>$")
_HEADING = re.compile(r"^\s*\*\*.*\*\*\s*$")
_VENUE_START = re.compile(r"\s(?=[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s+(?:19|20)\d{2}\b)")
_VENUE = re.compile(r"^(?P<event>(?P<acronym>\S+)\s+(?P<year>\d{4}))\b\s*(?:[-\u2013]\s*(?P<rest>.*))?$")
_PEOPLE_SEPARATOR = re.compile(r"\s*·\s*|\s+&\s+|\s*,\s+")
_SESSION = re.compile(
    r"^(keynotes?|invited\s+(talks?|speakers?|papers?)|orals?|spotlights?|posters?|tutorials?|panels?"
    r"|panel\s+discussions?|test\s+of\s+time(\s+awards?)?|contributed\s+talks?|plenary(\s+talks?)?"
    r"|(opening|closing)\s+remarks|outstanding\s+papers?)$",
    re.IGNORECASE,
)
_SHORT_NAME = re.compile(r"\(([^()]{2,40})\)\s*$")
_TALK_LINE = re.compile(r"^[^\[\]{}<>]+\s[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s+(?:19|20)\d{2}\s+[-\u2013]\s+\S")
# Mermaid tokens, tried in this order at each position of the graph text.
_TOKENS = re.compile(
    r"""
    (?P<space>[\s;]+)
  | (?P<direction>(?:graph|flowchart)\s+(?:LR|RL|TD|TB|BT)\b)
  | (?P<classdef>classDef\s+(?P<category>[\w-]+)(?:[ \t]+[\w-]+\s*:\s*[^,;\s]+(?:\s*,\s*[\w-]+\s*:\s*[^,;\s]+)*)?\s*;?)
  | (?P<class>class\s+(?P<members>[\w]+(?:\s*,\s*[\w]+)*)\s+(?P<member_of>[\w-]+))
  | (?P<arrow>(?:-->|---|==>|-\.->|-\.-)(?:\|[^|\n]*\|)?)
  | (?P<fragment>[^\[\]\n;]*?(?:\n[^\[\]]*?)?\](?=\s*(?:-->|---|==>|-\.->)))
  | (?P<node>(?P<id>[A-Za-z_][\w]*)(?:\s*(?P<open>[\[({])(?P<label>[^\]\)}]*)(?P<close>[\])}])?)?)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"graph", "flowchart", "class", "classDef", "end", "subgraph", "style", "linkStyle"}
_LABEL_NUMBER = re.compile(r"^(?P<name>.*?)[\s.]*\s(?P<number>\d{1,3})$")  # "…, emergence. 1"; not "ICLR 2023"


def looks_like_vault(lines: list[str]) -> bool:
    first = next((line.strip() for line in lines if line.strip()), "")
    marks = (_GRAPH_START, _FOOTER, _VAULT_HEADER, _GRAPH_HEADING)
    return bool(_TALK_LINE.match(first)) or any(
        any(mark.match(t) for mark in marks) or t.lstrip().startswith("classDef ") for t in lines
    )


@dataclass
class _Cut:
    """Where a page stops short, and in what."""

    line: int
    inside: str

    @property
    def reason(self) -> str:
        return f"the page stops at line {self.line}, {self.inside}: what followed is missing"


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> TalkRecord:
    warnings = warnings if warnings is not None else []
    page = list(lines)  # one talk: a page, never a large file
    filled = [line for line in page if line.text.strip()]
    if not filled:
        raise DumpError(file_name, None, "the file is empty")
    last = filled[-1].number
    reader = _PageReader(file_name)
    cut: _Cut | None = None
    for line in page:
        try:
            reader.read(line)
        except DumpError as error:
            if line.number != last:
                raise
            # the last line of a page that stops short is whatever part of a line it stops in
            cut = _Cut(line.number, f"in a line that cannot be read ({error.message})")
            warnings.append(f"line {line.number}: the page stops here, in a line that cannot be read; it is left out")

    graph = GraphRecord()
    if reader.graph_lines:
        graph = _parse_graph(reader.graph_lines, file_name, cut_short=reader.section == "graph", warnings=warnings)
    if reader.talk_line is None and not reader.key_points and not graph.concepts:
        raise DumpError(file_name, cut.line if cut else last, "the page stops before its talk, graph or key points")
    cut = cut or _cut_short(reader, graph, last)

    paper = reader.talk or _untitled(page, reader)
    if reader.collection:
        paper.csl.update(reader.collection)
    if cut is not None:
        warnings.append(f"line {cut.line}: the page stops here, {cut.inside}; the talk is flagged for review")
        paper.review_reason = paper.review_reason or cut.reason
    for key, numbers in graph.key_points_of.items():
        for number in sorted(numbers - reader.key_points.keys()):
            warnings.append(f"node {key} refers to key point {number}, which the page does not have")
    return TalkRecord(paper=paper, key_points=reader.key_points, graph=graph, warnings=warnings, complete=cut is None)


def _cut_short(reader: "_PageReader", graph: GraphRecord, last: int) -> _Cut | None:
    """Where a page without its footer shows that it stops short: every page has key points, each
    ending a sentence, and the graph's nodes name the key points the page has."""
    if reader.footer:
        return None
    if reader.section == "graph":
        return _Cut(last, "inside the concept graph")
    if reader.talk_line is not None and reader.talk_line.number == last:
        return _Cut(last, "in its talk line (the title may be cut off)")
    if not reader.key_points:
        return _Cut(last, "before its key points")
    number = max(reader.key_points)
    if not ends_a_sentence(reader.key_points[number]):
        return _Cut(last, f"inside key point {number}")
    if any(n > number for numbers in graph.key_points_of.values() for n in numbers):
        return _Cut(last, f"after key point {number}, before those its graph names")
    return None


class _PageReader:
    """The page's parts, line by line: header, talk line, graph lines, key points, footer."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.section = "preamble"
        self.talk_line: Line | None = None
        self.talk: PaperRecord | None = None
        self.collection: dict[str, str] = {}
        self.graph_lines: list[Line] = []
        self.key_points: dict[int, str] = {}
        self.key_point_lines: dict[int, int] = {}
        self.footer = False
        self.last_item: int | None = None
        self.previous_blank = True

    def read(self, line: Line) -> None:
        text = line.text.strip()
        if not text:
            self.previous_blank = True
            if self.section == "graph":
                self.graph_lines.append(line)
            return
        if self.section == "footer" or _FOOTER.match(text) or (self.section == "resume" and _VAULT_HEADER.match(text)):
            self.section, self.footer = "footer", True
        elif self.section in ("preamble", "graph") and (_RESUME_HEADING.match(text) or _ITEM.match(text)):
            self.section = "resume"
            if _RESUME_HEADING.match(text):
                self.previous_blank = False
                return
        elif self.section == "preamble":
            self._preamble(line, text)
        if self.section == "graph":
            self.graph_lines.append(line)
        elif self.section == "resume":
            self._resume(line, text)
        self.previous_blank = False

    def _preamble(self, line: Line, text: str) -> None:
        plain = text.replace("**", "").strip()
        if _GRAPH_START.match(text) or "-->" in text or text.startswith("classDef"):
            self.section = "graph"
        elif _VAULT_HEADER.match(text):
            if parts := _VAULT_PARTS.match(plain):
                about = f" - {parts['about'].strip()}" if parts["about"] else ""
                self.collection = {
                    "collection-title": f"Knowledge Vault {int(parts['vault'])}{about}",
                    "collection-number": str(int(parts["item"])),
                }
        elif _PLACEHOLDER.match(plain) or _GRAPH_HEADING.match(text) or _HEADING.match(text):
            pass
        elif self.talk_line is None:
            self.talk = _talk(line, self.file_name)  # refused here, on its own line, if it cannot be read
            self.talk_line = line
        else:
            raise DumpError(self.file_name, line.number, f"expected the concept graph, found {text[:60]!r}")

    def _resume(self, line: Line, text: str) -> None:
        if item := _ITEM.match(text):
            number = int(item[1])
            if number in self.key_points:
                raise DumpError(
                    self.file_name,
                    line.number,
                    f"key point {number} appears twice (also line {self.key_point_lines[number]})",
                )
            self.key_points[number], self.key_point_lines[number] = item[2].replace("**", "").strip(), line.number
            self.last_item = number
        elif self.last_item is not None and not self.previous_blank:
            self.key_points[self.last_item] = f"{self.key_points[self.last_item]} {text}"
        else:
            expected = "expected a numbered key point like '**1.-**' or '1.-'"
            raise DumpError(self.file_name, line.number, f"{expected}, found {text[:60]!r}")


def _talk(line: Line, file_name: str) -> PaperRecord:
    """The talk line: people, then the venue and year, then the session kind and the title."""
    text = line.text.replace("**", "").strip()
    split = _VENUE_START.search(text)
    venue = _VENUE.match(text[split.end() :].strip()) if split else None
    if split is None or venue is None:
        raise DumpError(
            file_name,
            line.number,
            "cannot tell where the people end and the venue begins (expected 'Name · Name VENUE YEAR - title' "
            "or 'Name & Name VENUE YEAR - Session - Title', e.g. 'Neil Lawrence ICLR 2016 - Keynote - ...')",
        )
    people = [person.strip() for person in _PEOPLE_SEPARATOR.split(text[: split.start()].strip())]
    if any(not person for person in people):
        raise DumpError(file_name, line.number, "an empty name in the list of people")
    year = int(venue["year"])
    rest = (venue["rest"] or "").strip()
    parts = [part.strip() for part in re.split(r"\s+[-\u2013]\s+", rest)] if rest else []
    session = parts.pop(0) if parts and _SESSION.match(parts[0].rstrip(" -")) else ""
    title = " - ".join(parts).strip(" -")
    csl = {"event-title": venue["event"]}
    if session:
        csl["genre"] = session.rstrip(" -")
    if title.lower().startswith("workshop") and not session:
        # a workshop's own page: the workshop is where the talks were given
        name = text[split.end() :].strip()
        short = _SHORT_NAME.search(name)
        place = VenueRecord(name=name, kind=VenueKind.WORKSHOP, short_name=short[1] if short else "", year=year)
    else:
        place = VenueRecord(name=venue["event"], kind=VenueKind.CONFERENCE, short_name=venue["acronym"], year=year)
    return PaperRecord(
        line=line.number,
        raw=text,
        title=title,
        kind=PaperKind.TALK,
        authors=[Person(person, AuthorRole.SPEAKER) for person in people],
        venue=place,
        year=year,
        csl=csl,
        review_reason="" if title else UNTITLED_TALK_REASON,
    )


def _untitled(page: list[Line], reader: _PageReader) -> PaperRecord:
    """A page with no talk line: an untitled talk, known again by the page's own text."""
    first = reader.key_point_lines[min(reader.key_points)] if reader.key_points else reader.graph_lines[0].number
    raw = "\n".join(line.text.strip() for line in page if line.text.strip())
    return PaperRecord(line=first, raw=raw, title="", kind=PaperKind.TALK, review_reason=UNTITLED_TALK_REASON)


class _GraphText:
    """The graph's lines joined into one text, with a way back from an offset to its line number."""

    def __init__(self, lines: list[Line]):
        self.starts: list[int] = []
        self.numbers: list[int] = []
        parts, offset = [], 0
        for line in lines:
            self.starts.append(offset)
            self.numbers.append(line.number)
            parts.append(line.text)
            offset += len(line.text) + 1
        self.text = "\n".join(parts)

    def line_at(self, offset: int) -> int:
        return self.numbers[bisect.bisect_right(self.starts, offset) - 1]


def _clean_label(label: str) -> str:
    return " ".join(label.split())


def _tokens(source: "_GraphText", file_name: str, cut_short: bool, warnings: list[str]) -> list[tuple[str, re.Match]]:
    """The graph's tokens. On a page that stops inside its graph, those after its last whole
    statement (a closed label, or a class statement that ended) are left out, with a warning."""
    text, pos = source.text, 0
    tokens: list[tuple[str, re.Match]] = []
    while pos < len(text):
        match = _TOKENS.match(text, pos)
        if match is None or match.end() == pos:
            if cut_short:
                break
            raise DumpError(file_name, source.line_at(pos), f"cannot read the graph here: {text[pos : pos + 40]!r}")
        kind = match.lastgroup if match.lastgroup in ("space", "arrow", "fragment") else None
        for name in ("direction", "classdef", "class", "node"):
            if match[name]:
                kind = name
                break
        tokens.append((kind, match))
        pos = match.end()
    if not cut_short:
        return tokens
    whole = 0
    for index, (kind, match) in enumerate(tokens):
        ended = match.end() < len(text)  # a statement at the very end may have been cut inside
        if (kind == "node" and match["close"]) or (kind in ("classdef", "class", "direction") and ended):
            whole = index + 1
    if whole < len(tokens) and any(kind != "space" for kind, _ in tokens[whole:]):
        at = next(match.start() for kind, match in tokens[whole:] if kind != "space")
        warnings.append(f"line {source.line_at(at)}: the concept graph stops here; its last statement is left out")
    return tokens[:whole]


def _parse_graph(
    lines: list[Line], file_name: str, *, cut_short: bool = False, warnings: list[str] | None = None
) -> GraphRecord:
    source = _GraphText(lines)
    text = source.text
    labels: dict[str, tuple[str, int]] = {}  # node id -> (label, line)
    categories: dict[str, int] = {}
    memberships: list[tuple[str, str, int]] = []
    edges: list[tuple[str, str, int]] = []
    fragments: dict[str, tuple[str, int]] = {}  # placeholder -> (label tail, line)
    bare: dict[str, int] = {}  # nodes named without a label, labelled by their id unless defined elsewhere
    previous: str | None = None  # the node an arrow starts from
    arrow_pending = False

    for kind, match in _tokens(source, file_name, cut_short, warnings if warnings is not None else []):
        line = source.line_at(match.start())
        if kind == "space" or kind == "direction":
            continue
        if kind == "classdef":
            categories.setdefault(match["category"], line)
            previous, arrow_pending = None, False
        elif kind == "class":
            for member in re.split(r"\s*,\s*", match["members"]):
                memberships.append((match["member_of"], member, line))
            previous, arrow_pending = None, False
        elif kind == "arrow":
            if previous is None:
                raise DumpError(file_name, line, "an arrow with no node before it")
            arrow_pending = True
        else:
            if kind == "fragment":
                node = f"\0fragment{len(fragments)}"
                fragments[node] = (_clean_label(match["fragment"][:-1]), line)
            else:
                node = match["id"]
                if node in _KEYWORDS:
                    raise DumpError(file_name, line, f"'{node}' is not supported in a concept graph")
                if match["open"] and not match["close"]:
                    raise DumpError(file_name, line, f"the label of node {node} is never closed: the graph is cut off")
                if match["open"]:
                    label = _clean_label(match["label"])
                    if not label:
                        raise DumpError(file_name, line, f"node {node} has an empty label")
                    known = labels.get(node)
                    if known and known[0] != label:
                        raise DumpError(
                            file_name,
                            line,
                            f"node {node} is labelled {label!r} here but {known[0]!r} on line {known[1]}",
                        )
                    labels.setdefault(node, (label, line))
                else:
                    bare.setdefault(node, line)
            if arrow_pending:
                edges.append((previous, node, line))
            previous, arrow_pending = node, False

    if arrow_pending:
        raise DumpError(file_name, source.line_at(len(text) - 1), "the graph ends with an arrow: it is cut off")
    if not labels and not categories:
        return GraphRecord()

    resolved = {
        placeholder: _resolve_fragment(tail, at, labels, file_name) for placeholder, (tail, at) in fragments.items()
    }
    for node, line in bare.items():
        labels.setdefault(node, (node, line))

    graph = GraphRecord()
    for name, line in categories.items():
        graph.concepts[f"category:{name}"] = ConceptRecord(
            key=f"category:{name}", name=name, kind=ConceptKind.CATEGORY, line=line
        )
    for node, (label, line) in labels.items():
        name, number = label, None
        if numbered := _LABEL_NUMBER.match(label):
            name, number = numbered["name"].rstrip(" ."), int(numbered["number"])
        graph.concepts[node] = ConceptRecord(key=node, name=name, kind=ConceptKind.TOPIC, line=line)
        if number is not None:
            graph.key_points_of.setdefault(node, set()).add(number)

    seen: set[tuple[str, str]] = set()
    for parent, child, line in edges:
        pair = (resolved.get(parent, parent), resolved.get(child, child))
        if pair not in seen:
            seen.add(pair)
            graph.edges.append((*pair, line))
    for category, member, line in memberships:
        if category not in categories:
            raise DumpError(file_name, line, f"class {category!r} is used but never defined by a classDef line")
        if member not in labels:
            raise DumpError(file_name, line, f"class {category!r} names node {member!r}, which the graph does not have")
        pair = (f"category:{category}", member)
        if pair not in seen:
            seen.add(pair)
            graph.edges.append((*pair, line))
    _refuse_cycles(graph, file_name)
    return graph


def _resolve_fragment(tail: str, line: int, labels: dict[str, tuple[str, int]], file_name: str) -> str:
    owners = [node for node, (label, _) in labels.items() if label.endswith(tail) and label != tail]
    if len(owners) != 1:
        raise DumpError(
            file_name,
            line,
            f"the graph has a cut-off label {tail + ']'!r} that matches "
            + ("no complete node label" if not owners else f"several nodes ({', '.join(owners)})"),
        )
    return owners[0]


def _refuse_cycles(graph: GraphRecord, file_name: str) -> None:
    children: dict[str, list[tuple[str, int]]] = {}
    for parent, child, line in graph.edges:
        children.setdefault(parent, []).append((child, line))
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for child, line in children.get(node, []):
            if state.get(child) == 1:
                cycle = path[path.index(child) :] + [node, child] if child in path else [node, child]
                names = " -> ".join(n.removeprefix("category:") for n in _dedupe(cycle))
                raise DumpError(file_name, line, f"the concept graph has a cycle: {names}")
            if child not in state:
                visit(child, path + [node])
        state[node] = 2

    for node in list(children):
        if node not in state:
            visit(node, [])


def _dedupe(cycle: list[str]) -> list[str]:
    out: list[str] = []
    for node in cycle:
        if not out or out[-1] != node:
            out.append(node)
    return out


FORMAT = Format("vault", "knowledge-vault page", looks_like_vault, parse, one_record=True)
