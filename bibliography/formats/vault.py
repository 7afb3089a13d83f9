"""Knowledge-vault pages: one talk, its speakers and venue, a Mermaid concept graph and numbered key points.

    Ananya Kumar · Tengyu Ma · ... · Mathilde Caron ICLR 2023 - Workshop ... (ME-FoMo)
    **Concept Graph & Resume using ...:**
    graph LR
    classDef foundation fill:#f9d4d4, ...;
    A[Workshop ME-FoMo

    ICLR 2023] --> B[Foundation models workshop:

    pre-training, adaptation, emergence. 1] A --> C[...] ...
    class A,B foundation; class C,D,J,K scaling; ...
    **Resume: **
    **1.-**Workshop on mathematical and empirical understanding of foundation models, ...
    Knowledge Vault built byDavid Vivancos 2024

Each node is a topic concept, each `classDef` a category concept; edges and class memberships
become parent -> child relations. A label ending in a number names the key point it sums up. The
graph may be repeated (each copy is read into the same graph) and a copy may begin with the cut-off
tail of a label, which is recognised by the label it ends.
"""

import bisect
import re
from collections.abc import Iterable

from bibliography.models import AuthorRole, ConceptKind, ImportFormat, PaperKind, VenueKind

from .base import Format
from .errors import DumpError
from .reader import Line
from .records import ConceptRecord, GraphRecord, PaperRecord, Person, TalkRecord, VenueRecord

_GRAPH_START = re.compile(r"^\s*(graph|flowchart)\s+(LR|RL|TD|TB|BT)\b", re.IGNORECASE)
_RESUME_HEADING = re.compile(r"^\s*(\*\*)?\s*(resume|summary)\s*:?\s*(\*\*)?\s*:?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:\*\*)?\s*(\d{1,4})\s*\.\s*-\s*(?:\*\*)?\s*(\S.*)$")
_FOOTER = re.compile(r"^\s*knowledge vault built by", re.IGNORECASE)
_HEADING = re.compile(r"^\s*\*\*.*\*\*\s*$")
_VENUE_START = re.compile(r"\s(?=[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s+(?:19|20)\d{2}\b)")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_SHORT_NAME = re.compile(r"\(([^()]{2,40})\)\s*$")

# Mermaid tokens, tried in this order at each position of the graph text.
_TOKENS = re.compile(
    r"""
    (?P<space>[\s;]+)
  | (?P<direction>(?:graph|flowchart)\s+(?:LR|RL|TD|TB|BT)\b)
  | (?P<classdef>classDef\s+(?P<category>[\w-]+)[^\n;]*;?)
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
    return any(_GRAPH_START.match(t) or _FOOTER.match(t) or t.lstrip().startswith("classDef ") for t in lines)


def parse(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> TalkRecord:
    warnings = warnings if warnings is not None else []
    first: Line | None = None
    graph_lines: list[Line] = []
    key_points: dict[int, str] = {}
    key_point_lines: dict[int, int] = {}
    section = "preamble"
    last_item: int | None = None
    previous_blank = True

    for line in lines:
        text = line.text.strip()
        if not text:
            previous_blank = True
            if section == "graph":
                graph_lines.append(line)
            continue
        if first is None:
            first = line
        elif _FOOTER.match(text):
            section = "footer"
        elif section in ("preamble", "graph") and (_RESUME_HEADING.match(text) or _ITEM.match(text)):
            section = "resume"
            if _RESUME_HEADING.match(text):
                previous_blank = False
                continue
        elif section == "preamble" and (_GRAPH_START.match(text) or "-->" in text or text.startswith("classDef")):
            section = "graph"
        elif section == "preamble" and not _HEADING.match(text):
            raise DumpError(file_name, line.number, f"expected the concept graph, found {text[:60]!r}")

        if section == "graph":
            graph_lines.append(line)
        elif section == "resume":
            if item := _ITEM.match(text):
                number = int(item[1])
                if number in key_points:
                    raise DumpError(
                        file_name,
                        line.number,
                        f"key point {number} appears twice (also line {key_point_lines[number]})",
                    )
                key_points[number], key_point_lines[number], last_item = item[2].strip(), line.number, number
            elif last_item is not None and not previous_blank:
                key_points[last_item] = f"{key_points[last_item]} {text}"
            else:
                raise DumpError(
                    file_name, line.number, f"expected a numbered key point like '**1.-**', found {text[:60]!r}"
                )
        elif section == "footer":
            pass
        previous_blank = False

    if first is None:
        raise DumpError(file_name, None, "the file is empty")
    paper = _talk(first, file_name)
    if not graph_lines:
        raise DumpError(file_name, None, "no concept graph (a Mermaid 'graph LR' block) in this page")
    graph = _parse_graph(graph_lines, file_name)
    for key, numbers in graph.key_points_of.items():
        for number in sorted(numbers - key_points.keys()):
            warnings.append(f"node {key} refers to key point {number}, which the page does not have")
    return TalkRecord(paper=paper, key_points=key_points, graph=graph, warnings=warnings)


def _talk(line: Line, file_name: str) -> PaperRecord:
    *people, last = [p.strip() for p in re.split(r"\s*·\s*", line.text.strip())]
    split = _VENUE_START.search(last)
    if split is None:
        raise DumpError(
            file_name,
            line.number,
            "cannot tell where the people end and the venue begins "
            "(expected 'Name · Name · Name VENUE YEAR - title', e.g. '... Mathilde Caron ICLR 2023 - Workshop ...')",
        )
    people.append(last[: split.start()].strip())
    venue_name = last[split.end() :].strip()
    if any(not person for person in people):
        raise DumpError(file_name, line.number, "an empty name in the list of people")
    year_match = _YEAR.search(venue_name)
    short = _SHORT_NAME.search(venue_name)
    venue = VenueRecord(
        name=venue_name,
        kind=VenueKind.WORKSHOP if "workshop" in venue_name.lower() else VenueKind.CONFERENCE,
        short_name=short[1] if short else "",
        year=int(year_match[0]) if year_match else None,
    )
    title = re.sub(r"^.*?(?:19|20)\d{2}\s*-\s*", "", venue_name) or venue_name
    return PaperRecord(
        line=line.number,
        raw=line.text.strip(),
        title=title,
        kind=PaperKind.TALK,
        authors=[Person(person, AuthorRole.SPEAKER) for person in people],
        venue=venue,
        year=venue.year,
    )


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


def _parse_graph(lines: list[Line], file_name: str) -> GraphRecord:
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
    pos = 0

    while pos < len(text):
        match = _TOKENS.match(text, pos)
        line = source.line_at(pos)
        if match is None or match.end() == pos:
            raise DumpError(file_name, line, f"cannot read the graph here: {text[pos : pos + 40]!r}")
        kind = match.lastgroup if match.lastgroup in ("space", "arrow", "fragment") else None
        if match["direction"]:
            kind = "direction"
        elif match["classdef"]:
            kind = "classdef"
        elif match["class"]:
            kind = "class"
        elif match["node"]:
            kind = "node"
        pos = match.end()

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


FORMAT = Format(ImportFormat.VAULT, looks_like_vault, parse, one_record=True)
