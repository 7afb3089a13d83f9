"""Small builders for test data; each returns a saved object with sensible defaults."""

import itertools

from bibliography.models import Author, Authorship, Concept, Paper, Venue

_seq = itertools.count(1)


def make_paper(**fields) -> Paper:
    n = next(_seq)
    fields.setdefault("title", f"A study of things, part {n}")
    fields.setdefault("abstract", f"We study things in part {n}.")
    return Paper.objects.create(**fields)


def make_author(name: str | None = None) -> Author:
    return Author.objects.create(name=name or f"Author Number{next(_seq)}")


def make_authorship(paper: Paper, author: Author | None = None, position: int = 1) -> Authorship:
    return Authorship.objects.create(paper=paper, author=author or make_author(), position=position)


def make_concept(name: str | None = None, **fields) -> Concept:
    n = next(_seq)
    name = name or f"Concept {n}"
    fields.setdefault("slug", f"concept-{n}")
    return Concept.objects.create(name=name, **fields)


def make_venue(name: str | None = None, **fields) -> Venue:
    fields.setdefault("kind", "conference")
    return Venue.objects.create(name=name or f"Venue {next(_seq)}", **fields)
