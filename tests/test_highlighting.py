"""A search's snippet: where the searched words are in an abstract, marked, the rest escaped."""

import html
import re

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bibliography.highlighting import DELIMITER, MAX_WORDS, MIN_WORDS, TEXT_READ, Marks, snippet, stem

_MARKED = re.compile(r"<mark>(.*?)</mark>")


def passages(made: str) -> list[str]:
    """The snippet's passages as the text they show (marks taken off, entities read back)."""
    return [html.unescape(part.replace("<mark>", "").replace("</mark>", "")) for part in made.split(DELIMITER)]


def test_every_form_of_a_searched_word_is_marked_and_only_those():
    made = snippet("Models of a model, modelling the modeled; a modest mode.", Marks.of("model"))
    assert _MARKED.findall(made) == ["Models", "model", "modelling", "modeled"]


def test_stopwords_and_excluded_words_are_not_marked():
    made = snippet("The scaling of the laws and the image of it", Marks.of('the "scaling laws" -image'))
    assert _MARKED.findall(made) == ["scaling", "laws"]


def test_a_text_without_the_words_shows_its_first_words():
    text = " ".join(f"word{n}" for n in range(40))
    assert snippet(text, Marks.of("absent")) == " ".join(f"word{n}" for n in range(MIN_WORDS))
    assert snippet("", Marks.of("absent")) == ""


def test_the_passages_with_the_most_different_words_are_shown_in_the_texts_order():
    filler = [f"w{n}" for n in range(200)]
    words = filler[:]
    words[20] = "diffusion"  # one word alone
    words[100], words[104] = "diffusion", "transformers"  # both words: the best passage
    words[160], words[163] = "transformers", "diffusion"  # both words again
    made = snippet(" ".join(words), Marks.of("diffusion transformers"))
    first, second = passages(made)
    assert "diffusion" in first and "transformers" in first and "w100" not in first and "w94" in first
    assert "w160" not in second and "transformers" in second and "diffusion" in second
    assert made.count(DELIMITER) == 1
    assert all(len(passage.split()) <= MAX_WORDS for passage in (first, second))


def test_a_short_text_is_shown_whole():
    text = "Attention is all you need, they said."
    assert passages(snippet(text, Marks.of("attention"))) == ["Attention is all you need, they said"]


def test_a_prefix_search_marks_words_that_begin_so():
    made = snippet("TinyStories: how small can language models be?", Marks.of("tinystor", prefix=True))
    assert _MARKED.findall(made) == ["TinyStories"]
    assert _MARKED.findall(snippet("TinyStories", Marks.of("tinystor"))) == []


def test_a_search_read_as_misspelt_marks_words_one_typo_away():
    text = "Transformers and transfomers; a transport."
    assert _MARKED.findall(snippet(text, Marks.of("transformer", typos=True))) == ["Transformers", "transfomers"]
    assert _MARKED.findall(snippet(text, Marks.of("transformer"))) == ["Transformers"]
    assert _MARKED.findall(snippet("Care for the carer", Marks.of("cars", typos=True))) == []  # four letters: exact


def test_a_word_with_combining_signs_is_marked_whole():
    assert _MARKED.findall(snippet("यह एक मॉडल है", Marks.of("मॉडल"))) == ["मॉडल"]  # its vowel signs are of it


def test_a_snippet_reads_what_the_index_reads_of_a_long_abstract():
    text = "filler " * (TEXT_READ // 7) + "needle"
    assert "needle" not in snippet(text, Marks.of("needle"))  # past what the index reads
    assert _MARKED.findall(snippet("needle " + "x" * 500, Marks.of("needle " + "x" * 500))) == ["needle"]


def test_markup_in_the_text_is_escaped():
    made = snippet('Diffusion <img src=x onerror=alert(1)> & "friends" <script>x</script>', Marks.of("diffusion"))
    assert made.startswith("<mark>Diffusion</mark> &lt;img src=x onerror=alert(1)&gt; &amp;")
    assert "<script" not in made and "&lt;script&gt;" in made


text_alphabet = st.characters(codec="utf-8", exclude_categories=["Cs"])
words = st.sampled_from(["model", "models", "Modelling", "diffusion", "the", "and", "naïve", "über", "Ünïcode", "x"])
texts = st.lists(st.one_of(words, st.text(text_alphabet, max_size=12)), max_size=120).map(" ".join)
searches = st.lists(st.one_of(words, st.text(text_alphabet, min_size=1, max_size=8)), min_size=1, max_size=4)


@hypothesis_settings(max_examples=400, deadline=None)
@given(texts, searches, st.booleans(), st.booleans())
def test_a_snippet_is_the_texts_own_words_escaped_with_only_its_marks(text, searched, prefix, typos):
    marks = Marks.of(" ".join(searched), prefix=prefix, typos=typos)
    made = snippet(text, marks)
    unmarked = made.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked and ">" not in unmarked  # no markup but its own
    assert made.count("<mark>") == made.count("</mark>")
    for marked in _MARKED.findall(made):
        assert "<" not in marked and marks.marks(html.unescape(marked))
    for passage in passages(made):
        assert passage in text  # a passage is a piece of the text as written, cut at a word
    if marks.stems and not typos and not prefix:
        assert all(stem(word) in marks.stems for word in map(html.unescape, _MARKED.findall(made)))
