"""Writes that lock rows run in a transaction of their own, whoever calls them.

A test inside pytest-django's transaction cannot see a service that forgets `transaction.atomic`:
`select_for_update` outside a transaction only fails in autocommit, as the server runs. So the admin's
bulk actions are tried here in autocommit, and every public function that locks rows is checked to
open its own transaction.
"""

import ast
from pathlib import Path

import pytest

from bibliography.models import Paper, PaperConcept
from tests.factories import make_concept, make_paper

ROOT = Path(__file__).resolve().parent.parent
CHANGELIST = "/admin/bibliography/paper/"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_removing_a_concept_from_papers_in_autocommit_removes_it(client, curator):
    concept = make_concept(name="Scaling", slug="scaling-laws")
    papers = [make_paper(title=f"Tagged {n}") for n in range(2)]
    for paper in papers:
        PaperConcept.objects.create(paper=paper, concept=concept, status="accepted")
    chosen = {"action": "remove_concept", "_selected_action": [p.pk for p in papers], "apply": "1"}
    done = client.post(CHANGELIST, {**chosen, "concept": concept.pk}, follow=True)
    assert done.status_code == 200
    assert "Removed “Scaling” from 2 papers" in done.content.decode()
    assert not PaperConcept.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tagging_and_marking_reviewed_in_autocommit(client, curator):
    concept = make_concept(name="Scaling", slug="scaling-laws")
    papers = [make_paper(title=f"Paper {n}", needs_review=True, review_reason="check it") for n in range(2)]
    ids = [p.pk for p in papers]
    tagged = client.post(
        CHANGELIST, {"action": "tag_with_concept", "_selected_action": ids, "apply": "1", "concept": concept.pk}
    )
    assert tagged.status_code == 302
    assert PaperConcept.objects.filter(concept=concept, status="accepted").count() == 2
    reviewed = client.post(CHANGELIST, {"action": "mark_reviewed", "_selected_action": ids})
    assert reviewed.status_code == 302
    assert not Paper.objects.filter(pk__in=ids, needs_review=True).exists()


def _atomic(node: ast.AST) -> bool:
    """`@transaction.atomic`, `@transaction.atomic(...)` or `with transaction.atomic(...)`."""
    target = node.func if isinstance(node, ast.Call) else node
    return isinstance(target, ast.Attribute) and target.attr == "atomic"


def _unguarded_locks(function: ast.FunctionDef) -> list[int]:
    """Lines where the function locks rows outside any `with transaction.atomic()` block of its own."""
    found = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.With):
            guarded = guarded or any(_atomic(item.context_expr) for item in node.items)
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update" and not guarded:
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, guarded)

    for statement in function.body:
        visit(statement, False)
    return found


def test_every_public_function_that_locks_rows_opens_its_own_transaction():
    """Private helpers (`_name`) are called by the atomic functions of their module; a public one
    may be called from a view or an admin action in autocommit."""
    offenders = []
    for path in [*ROOT.joinpath("bibliography").rglob("*.py"), *ROOT.joinpath("api").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if any(_atomic(decorator) for decorator in node.decorator_list):
                continue
            offenders += [f"{path.relative_to(ROOT)}:{line} {node.name}" for line in _unguarded_locks(node)]
    assert offenders == []
