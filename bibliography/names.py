"""People's names split into the parts reference managers want, and joined back without loss.

An author is stored as the name as it is written ("Ludwig van Beethoven") and its parts as the
source gave them (BibTeX's "van Beethoven, Ludwig", CSL's family and given). A name that came
without parts (a listing page, the API) is split the usual way below (the last word is the family
name, with a lower-case particle and a generational suffix kept beside it), and `full` puts the
parts back into the very same string, so a name survives any number of round trips. An
institution ("World Health Organization") is a literal name: kept whole, never split.
"""

from dataclasses import dataclass

PARTICLES = frozenset(
    [
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "la",
        "le",
        "lo",
        "st",
        "ten",
        "ter",
        "van",
        "vande",
        "vanden",
        "vander",
        "von",
        "zu",
    ]
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@dataclass(frozen=True)
class PersonName:
    family: str
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: bool = False  # an institution's name, in `family`, never split

    @property
    def full(self) -> str:
        return " ".join(part for part in (self.given, self.particle, self.family, self.suffix) if part)

    @property
    def is_single_word(self) -> bool:
        return self.literal or not (self.given or self.particle or self.suffix) and " " not in self.family


def _is_particle(word: str) -> bool:
    return word.islower() and word.casefold() in PARTICLES


def forward(name: str) -> str:
    """A name as a person is shown: "Frankle, Jonathan" (as BibTeX and RIS write it) is "Jonathan
    Frankle"; a name with a comma before a suffix only ("Martin Luther King, Jr.") stays as it is."""
    if "," not in name or name.rsplit(",", 1)[1].strip().casefold() in SUFFIXES:
        return name
    return split_name(name).full or name


def split_name(name: str) -> PersonName:
    """A name's parts, written "Given von Last Jr" or, as BibTeX and RIS write it, "von Last, Given"
    and "von Last, Jr, Given"."""
    if "," in name:
        pieces = [piece.strip() for piece in name.split(",")]
        if len(pieces) == 2 and pieces[1].casefold() in SUFFIXES:  # "Martin Luther King, Jr."
            plain = split_name(pieces[0])
            return PersonName(family=plain.family, given=plain.given, particle=plain.particle, suffix=pieces[1])
        if len(pieces) in (2, 3) and pieces[0]:
            particle, family = split_family(pieces[0])
            return PersonName(
                family=family, given=pieces[-1], particle=particle, suffix=pieces[1] if len(pieces) == 3 else ""
            )
    words = name.split()
    if not words:
        return PersonName(family="")
    suffix = ""
    if len(words) > 2 and words[-1].casefold() in SUFFIXES:
        suffix = words.pop()
    # "Charles de la Vallée Poussin": the family name starts after the first run of particles
    start = next((i for i in range(len(words) - 1) if _is_particle(words[i])), None)
    if start is None:
        return PersonName(family=words[-1], given=" ".join(words[:-1]), suffix=suffix)
    end = start
    while end < len(words) - 1 and _is_particle(words[end]):
        end += 1
    return PersonName(
        family=" ".join(words[end:]),
        given=" ".join(words[:start]),
        particle=" ".join(words[start:end]),
        suffix=suffix,
    )


def split_family(family: str) -> tuple[str, str]:
    """The particle and the family name of a "Last" part, as BibTeX reads one: the words before the
    last that begin in lower case are the particle ("de la" Cruz, "van der" Berg, "et." Al.)."""
    words = family.split()
    n = 0
    while n < len(words) - 1 and words[n][:1].islower():
        n += 1
    return " ".join(words[:n]), " ".join(words[n:])


def join_name(*, given: str = "", particle: str = "", family: str = "", suffix: str = "") -> str:
    return PersonName(family=family.strip(), given=given.strip(), particle=particle.strip(), suffix=suffix.strip()).full
