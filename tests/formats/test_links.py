"""Addresses as files and abstracts write them (bibliography/formats/links.py): any text is read
without an error, and what is taken as a link is an address one can take apart."""

from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from bibliography.formats import fields as f
from bibliography.formats.links import find_links, link_kind

ADDRESSES = st.one_of(
    st.text(),
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["http://", "https://", "//", "www.", "HTTP://", ""]),
        st.text(alphabet="[]:@%/.?#=-_ab09", max_size=30),
        st.text(max_size=10),
    ),
)


def _readable(url: str) -> bool:
    urlsplit(url).hostname  # noqa: B018 (raises if it cannot be taken apart)
    return True


@given(ADDRESSES)
@example("http://[2001:db8::1")  # an IPv6 host never closed (seen in a mutated dump)
@example("https://[::1]/x")
def test_any_text_is_read_and_every_link_taken_can_be_taken_apart(text):
    link_kind(text)
    assert all(_readable(url) for url, _ in find_links(f"See {text} for more."))
    checks = f.Checks("refs.bib", 1, [])
    assert all(_readable(url) for url in checks.urls(text, "url"))


def test_an_address_with_an_unclosed_ipv6_host_is_kept_as_written_not_as_a_link():
    checks = f.Checks("refs.bib", 3, [])
    assert checks.urls("http://[2001:db8::1 https://example.org/a", "url") == ["https://example.org/a"]
    assert checks.other_uris == ["http://[2001:db8::1"]
    assert [str(problem) for problem in checks.unread] == [
        "refs.bib:3: url: 'http://[2001:db8::1' has a host no one can read, not a link"
    ]
