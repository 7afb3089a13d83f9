"""DOIs and arXiv ids as people paste them (`https://doi.org/10.1000/X`, `arXiv:2305.07759v2`),
read one way for imports, the admin and the API alike."""

import re

from bibliography.vocabulary import ARXIV_ID_PATTERN

# A suffix is printable: no space, no control character (the API's schema says the same, in its terms).
DOI_SUFFIX = r"[^\s\x00-\x1f\x7f-\x9f\ufeff]+"
_DOI = re.compile(rf"^(?:doi:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)?(10\.\d{{4,9}}/{DOI_SUFFIX})$", re.IGNORECASE)
_ARXIV = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?(.+?)(?:v\d+)?(?:\.pdf)?$",
    re.IGNORECASE | re.DOTALL,  # a line break inside is no arXiv id: the pattern below says so
)


class NotAnIdentifier(ValueError):
    pass


def _without_trailing_punctuation(value: str) -> str:
    """A DOI pasted from a sentence ends where the sentence goes on: `10.1000/xyz.` or `(10.1000/xyz)`
    is 10.1000/xyz (registration agencies issue no DOI that ends so)."""
    pairs = {")": "(", "]": "["}
    while value and (
        value[-1] in ".,;:" or value[-1] in pairs and value.count(value[-1]) > value.count(pairs[value[-1]])
    ):
        value = value[:-1]
    return value


def doi(value: str | None) -> str | None:
    """The DOI, lower-cased, without a resolver or `doi:` before it; blank is None."""
    if not value or not value.strip():
        return None
    value = re.sub(r"^((?:https?://)?(?:dx\.|www\.)?doi\.org/10\.\d+)%2F", r"\1/", value.strip(), flags=re.IGNORECASE)
    match = _DOI.match(_without_trailing_punctuation(value))
    if not match or len(match.group(1)) > 255:
        raise NotAnIdentifier(f"{value.strip()[:80]!r} is not a DOI: a DOI looks like 10.1000/xyz")
    return match.group(1).lower()


_ARXIV_MONTH = re.compile(r"(?:^|/)[0-9]{2}([0-9]{2})")  # YYMM.NNNNN or archive/YYMMNNN


def arxiv_id(value: str | None) -> str | None:
    """The arXiv id without `arXiv:`, an abs or pdf address, or a version (versions are one paper)."""
    if not value or not value.strip():
        return None
    ident = _ARXIV.match(value.strip()).group(1)
    if not re.match(ARXIV_ID_PATTERN, ident) or not 1 <= int(_ARXIV_MONTH.search(ident).group(1)) <= 12:
        raise NotAnIdentifier(f"{value.strip()[:80]!r} is not an arXiv id: one looks like 2401.01234 or hep-th/9901001")
    return ident


_ORCID = re.compile(r"^(?:https?://orcid\.org/)?([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9X])$", re.IGNORECASE)


# What the API's schema says an ORCID iD looks like (its check digit is verified by `orcid` alone).
ORCID_PATTERN = r"^(?:[Hh][Tt][Tt][Pp][Ss]?://orcid\.org/)?[0-9]{4}-?[0-9]{4}-?[0-9]{4}-?[0-9]{3}[0-9Xx]$"
# An OpenAlex author, as its id ends (https://openalex.org/A5023888391).
OPENALEX_AUTHOR_PATTERN = r"^A[0-9]{1,18}$"


def orcid(value: str | None, *, check_digit: bool = True) -> str | None:
    """The ORCID iD as 0000-0002-1825-0097 (an orcid.org address read as its iD); blank is None.
    Its check digit (ISO 7064 11,2) is verified unless `check_digit` is False."""
    if not value or not value.strip():
        return None
    match = _ORCID.match(value.strip())
    if match:
        digits = "".join(match.groups()).upper()
        total = 0
        for digit in digits[:-1]:
            total = (total + int(digit)) * 2
        check = (12 - total % 11) % 11
        if not check_digit or digits[-1] == ("X" if check == 10 else str(check)):
            return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
    raise NotAnIdentifier(f"{value.strip()[:80]!r} is not an ORCID iD: one looks like 0000-0002-1825-0097")


def paper_reference(value) -> tuple[str, object]:
    """A paper as scripts name it: its id (12), `doi:…`, `arxiv:…` (any version) or `key:<citation key>`,
    read as ("id", 12), ("doi", "10.…"), ("arxiv", "2401.01234") or ("key", "…")."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63:
        return ("id", value)
    if isinstance(value, str):
        scheme, _, rest = value.strip().partition(":")
        if scheme.lower() == "doi" and (found := doi(rest)):
            return ("doi", found)
        if scheme.lower() == "arxiv" and (found := arxiv_id(rest)):
            return ("arxiv", found)
        if scheme.lower() == "key" and rest:
            return ("key", rest)
        if re.fullmatch(r"[0-9]{1,19}", value) and 1 <= int(value) < 2**63:
            return ("id", int(value))
    raise NotAnIdentifier(f"{str(value)[:80]!r} is not a paper id, doi:…, arxiv:… or key:…")


def openalex_work(extra: dict | None) -> str | None:
    """The OpenAlex work (W-id) a paper's or a record's extra fields name, if any."""
    openalex = (extra or {}).get("openalex")
    work = openalex.get("id") if isinstance(openalex, dict) else None
    return work if isinstance(work, str) and work else None
