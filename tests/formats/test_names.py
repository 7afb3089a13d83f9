"""Names split into the parts bibliographies sort and abbreviate by, and names in the shapes exporters
write, which stay whole through BibTeX."""

import json

import pytest

from bibliography.importers.load import import_file
from bibliography.models import Paper
from bibliography.names import PersonName, split_family, split_name

from .conftest import export, wipe_bibliography


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Charles de la Vallée Poussin", PersonName("Vallée Poussin", "Charles", "de la")),
        ("Martin Luther King Jr.", PersonName("King", "Martin Luther", suffix="Jr.")),
        ("Martin Luther King, Jr.", PersonName("King", "Martin Luther", suffix="Jr.")),
        ("de Moura, Leonardo", PersonName("Moura", "Leonardo", "de")),
        ("van der Berg, Jr., Ana", PersonName("Berg", "Ana", "van der", "Jr.")),
        ("Lovelace, A. A.", PersonName("Lovelace", "A. A.")),
        ("Plato", PersonName("Plato")),
    ],
)
def test_names_in_both_orders(name, parts):
    assert split_name(name) == parts


def test_a_family_names_particle_is_its_leading_lower_case_words():
    assert split_family("de la Cruz") == ("de la", "Cruz")
    assert split_family("van") == ("", "van")  # a family name is never all particle
    assert split_family("Dalla Torre") == ("", "Dalla Torre")


def test_names_in_the_shapes_exporters_write_are_people_and_stay_whole_through_bibtex(db, tmp_path):
    """IEEE Xplore's RIS writes `N. Ahmed` (given name first, no comma); a CSL name's part may hold
    a comma (`Desarrollo de Medios, S. A. de`), which BibTeX would read as the start of another."""
    ris = tmp_path / "ieee.ris"
    ris.write_text("TY  - CONF\nTI  - Matching\nAU  - N. Ahmed\nAU  - M. -J. Meurs\nAU  - U.S. Navy Office\nER  - \n")
    csl = tmp_path / "web.json"
    name = {"family": "C.V", "given": "DEMOS", "suffix": "Desarrollo de Medios, S. A. de"}
    csl.write_text(json.dumps([{"id": "w", "type": "webpage", "title": "Caudillos", "author": [name]}]))
    assert import_file(ris).ok and import_file(csl).ok

    people = [a.credited_parts for a in Paper.objects.get(title="Matching").authorships.order_by("position")]
    assert [(p.family, p.given, p.literal) for p in people] == [
        ("Ahmed", "N.", False), ("Meurs", "M. -J.", False), ("U.S. Navy Office", "", True),
    ]  # fmt: skip
    written = export("bibtex", Paper.objects.filter(title="Caudillos"))
    assert "author = {C.V, {Desarrollo de Medios, S. A. de}, DEMOS}" in written, written
    wipe_bibliography()
    back = tmp_path / "back.bib"
    back.write_text(written)
    assert import_file(back).ok
    parts = Paper.objects.get(title="Caudillos").authorships.get().credited_parts
    assert (parts.family, parts.given, parts.suffix) == ("C.V", "DEMOS", "Desarrollo de Medios, S. A. de")
