"""Names split into the parts bibliographies sort and abbreviate by."""

import pytest

from bibliography.names import PersonName, split_family, split_name


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
