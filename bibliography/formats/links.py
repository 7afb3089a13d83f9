"""URLs found in abstracts, and what kind of link each is."""

import re
from urllib.parse import urlsplit

from bibliography.vocabulary import LinkKind

_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
# Sentence punctuation that ends a URL written at the end of a sentence or inside brackets.
_TRAILING = ".,;:!?)]}>'\""

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
_DATA_HOSTS = ("zenodo.org", "kaggle.com", "figshare.com", "dataverse.harvard.edu")


def _clean(url: str) -> str:
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def readable(url: str) -> bool:
    """Whether an address can be taken apart at all (`http://[::1` cannot: an IPv6 host unclosed)."""
    try:
        urlsplit(url).hostname  # noqa: B018 (reading it is the check)
    except ValueError:
        return False
    return True


def link_kind(url: str) -> LinkKind:
    if not readable(url):
        return LinkKind.OTHER
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower()
    if host in ("doi.org", "dx.doi.org"):
        return LinkKind.DOI
    if host in _CODE_HOSTS or (host == "huggingface.co" and path.startswith("/spaces/")):
        return LinkKind.CODE
    if host in _DATA_HOSTS or (host == "huggingface.co" and path.startswith("/datasets/")):
        return LinkKind.DATASET
    if host.endswith((".github.io", ".gitlab.io")) or host == "sites.google.com":
        return LinkKind.PROJECT
    return LinkKind.OTHER


def find_links(text: str) -> list[tuple[str, LinkKind]]:
    """Each distinct URL in the text, in order of appearance, with its kind."""
    seen: dict[str, LinkKind] = {}
    for match in _URL.finditer(text):
        url = _clean(match.group())
        if readable(url) and urlsplit(url).hostname and url not in seen:
            seen[url] = link_kind(url)
    return list(seen.items())
