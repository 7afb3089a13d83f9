"""Knowledge-vault talk pages (bibliography/formats/vault.py): the people and venue line, the concept
graph and the numbered key points, on hand-made pages and the bundled one."""

import pytest

from tests.dumps import VAULT

from .conftest import Starts, check_case, read

PEOPLE = "Ada Lovelace · Alan Turing NeurIPS 2024 - Workshop on Things (WoT)\n\n"
RESUME = "**Resume: **\n\n**1.-**The first point.\n\n**2.-**The second point.\n"
CUT_GRAPH = PEOPLE + "graph LR\nclassDef root fill:#fff;\nA[Root] --> B[Child. 1]"
CUT_OFF = {"records": [{
    "graph.concepts": {"Root", "Child", "root"},
    "graph.edges": [("A", "B", 5)],
    "paper.review_reason": Starts("the page stops at line "),
    "complete": False,
}]}  # fmt: skip

CASES = [
    (PEOPLE + "graph LR\nclassDef core fill:#fff; A[Root] --> B[Child one. 1] A --> C[Child two. 2] class B,C core;\n"
     + RESUME, {"records": [{
        "graph.concepts": {"Root", "Child one", "Child two", "core"},
        "graph.edges": [("A", "B", 4), ("A", "C", 4), ("category:core", "B", 4), ("category:core", "C", 4)],
        "paper.authors": ["Ada Lovelace", "Alan Turing"],
        "paper.venue.short_name": "WoT",
    }]}),  # a graph on one line
    (PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nB --> C[Grandchild. 2]\nC --> A\n" + RESUME,
     {"error": r"dump.txt:6: the concept graph has a cycle: .*A -> B -> C -> A"}),
    # a graph cut off at the end of the page keeps its whole statements
    (CUT_GRAPH + " A --> C[Child two,\n\nstill", CUT_OFF),
    (CUT_GRAPH + " A -->", CUT_OFF),
    (CUT_GRAPH + " A --> C", CUT_OFF),
    (CUT_GRAPH + " A --", CUT_OFF),
    (CUT_GRAPH + " class B ro", CUT_OFF),
    # a graph that cannot be read before the page goes on is refused
    (PEOPLE + "graph LR\nA[Root] --> B[Child. 1] A --> C[Child two,\n\nstill\n" + RESUME,
     {"error": r"dump.txt:4: the label of node C is never closed"}),
    (PEOPLE + "graph LR\nA[Root] --> B[Child. 1] A -->\n" + RESUME, {"error": "ends with an arrow"}),
    (PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nnowhere] --> B\n" + RESUME,
     {"error": r"dump.txt:5: the graph has a cut-off label 'nowhere\]'"}),
    (PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nA[Other root] --> C[X. 2]\n" + RESUME,
     {"error": "node A is labelled 'Other root' here but 'Root' on line 4"}),
    ("Ada Lovelace · Alan Turing\n\ngraph LR\nA[Root] --> B[C. 1]\n" + RESUME,
     {"error": "dump.txt:1: cannot tell where the people end"}),
    (VAULT, {"records": [{
        "paper.authors": ["Ananya Kumar", "Tengyu Ma", "Tiffany Vlaar", "Aditi Raghunathan", "Hanie Sedghi",
                          "Yamini Bansal", "Sang Michael Xie", "Percy Liang", "Mathilde Caron"],
        "paper.venue.name": Starts("ICLR 2023 - Workshop Mathematical and Empirical"),
        "paper.venue.kind": "workshop",
        "paper.venue.year": 2023,
        "paper.venue.short_name": "ME-FoMo",
        "paper.kind": "talk",
        "warnings": [],
    }]}),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_page_reads_as_its_case_says(tmp_path, source, expected):
    check_case("vault", source, expected, tmp_path)


def bundled_talk(tmp_path):
    (talk,), _ = read("vault", VAULT, tmp_path)
    return talk


def test_the_bundled_pages_people_are_its_speakers(tmp_path):
    assert {person.role for person in bundled_talk(tmp_path).paper.authors} == {"speaker"}


def test_vault_graph_read_once_although_it_appears_twice(tmp_path):
    talk = bundled_talk(tmp_path)
    graph = talk.graph
    topics = [c for c in graph.concepts.values() if c.kind == "topic"]
    categories = [c for c in graph.concepts.values() if c.kind == "category"]
    assert (len(topics), len(categories)) == (31, 7)
    node_edges = [e for e in graph.edges if not e[0].startswith("category:")]
    memberships = [e for e in graph.edges if e[0].startswith("category:")]
    assert (len(node_edges), len(memberships)) == (30, 33)
    assert len(talk.key_points) == 30
    assert talk.key_points[1].startswith("Workshop on mathematical and empirical understanding")
    assert talk.key_points[30].startswith("Medium-scale models with instruction tuning")
    assert talk.warnings == []


def test_vault_multi_line_labels_are_joined_and_numbers_become_key_points(tmp_path):
    graph = bundled_talk(tmp_path).graph
    assert graph.concepts["A"].name == "Workshop ME-FoMo ICLR 2023"
    assert "A" not in graph.key_points_of  # the root sums up no key point; 2023 is a year
    assert graph.concepts["B"].name == "Foundation models workshop: pre-training, adaptation, emergence"
    assert graph.key_points_of["B"] == {1}
    assert graph.key_points_of["E"] == graph.key_points_of["F"] == {3}  # several nodes, one point


def test_vault_node_in_two_categories(tmp_path):
    graph = bundled_talk(tmp_path).graph
    parents_of_h = {parent for parent, child, _ in graph.edges if child == "H"}
    assert parents_of_h == {"A", "category:overparametrization", "category:regularization"}
