"""The internal rich-text form: LaTeX read into it and written back out."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bibliography import richtext
from bibliography.richtext import NOCASE, from_latex, plain, read_latex, to_latex


def test_protection_styles_math_and_accents_are_read_as_such():
    assert from_latex(r"{{ALEPH}}: a $\beta$-divergence in \textit{C. elegans}, H\textsubscript{2}O") == (
        f"{NOCASE}ALEPH</span>: a $\\beta$-divergence in <i>C. elegans</i>, H<sub>2</sub>O"
    )
    assert from_latex(r"{\"o}ber {\em all} \& 50\% -- \$5") == "öber <i>all</i> & 50% – \\$5"
    assert plain(from_latex(r"{BERT} \textsc{Sc} $x$")) == "BERT Sc $x$"


def test_writing_back_gives_what_reads_the_same():
    for latex in [r"{ALEPH}: a $\beta$ in \textit{C. elegans}", r"50\% \& \#1 a\_b \{x\}", "Gödel — “quotes”"]:
        assert from_latex(to_latex(from_latex(latex))) == from_latex(latex)


def test_a_value_is_exact_unless_its_latex_says_more_than_the_internal_form():
    assert read_latex(r"{Protected} \textit{it} $m$ \& \textasciitilde{}")[1]
    assert not read_latex(r"M{\"u}ller")[1]  # written back as ü, not as the file wrote it
    assert read_latex(r"\ce{H2O} is water") == (r"\ce{H2O} is water", False)  # kept, never lost


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab {}-~`'X", max_size=40))
def test_the_fast_path_for_braces_reads_as_the_latex_parser_does(value):
    fast = richtext._braces_only(value)
    if fast is not None:
        parsed = "".join(richtext._rich(richtext._nodes(value), top=True, unknown=[]))
        assert fast == parsed, value


def test_title_case_becomes_sentence_case_as_pandoc_reads_bibtex():
    # each pair as pandoc 2.17 reads the first in a .bib (`pandoc -f biblatex -t csljson`)
    for title, sentence in [
        ("The Quick Brown Fox: A Study Of {NASA} and iPhone Use in GPT-4 Models", "The quick brown fox: A study of"),
        ("the quick Brown: the Fox. a test I Am", "The quick brown: The fox. A test i am"),
        ("O'Reilly Books Don't Stop McDonald Farms Über Alles", "O'reilly books don't stop McDonald farms über alles"),
        ('Word1 Σigma (The Parenthesis) "Quoted Words" Here', 'Word1 σigma (the parenthesis) "quoted words" here'),
        ("Why? Because! Now; The End", "Why? Because! Now; the end"),
        ("Test Of Cs143 CS143 x86 X86 2D Models 3-D Pi", "Test of Cs143 CS143 x86 X86 2D models 3-d pi"),
        ("One Two. Three. Four", "One two. Three. four"),  # the last word never starts a sentence
        ("Hello. (The) World. “Curly” Word", "Hello. (The) world. “Curly” word"),
        ("{The} Old Man. {the} Sea: {IS} Here", "The old man. the sea: IS here"),
    ]:
        assert plain(richtext.sentence_case(from_latex(title))).startswith(sentence), title
    styled = richtext.sentence_case(from_latex(r"A Tale: \emph{The Story} Of $\beta$-Divergence Ab-Cd"))
    assert styled == "A tale: <i>The story</i> of $\\beta$-divergence ab-cd"


def test_tex_quotes_are_the_quotes_tex_prints_but_in_math():
    assert richtext.tex_quotes("EURO-DAC '96 and '97: $f'(x)$") == "EURO-DAC \u201996 and \u201997: $f'(x)$"


_TITLE_WORDS = st.sampled_from(["Deep", "deep", "GPT", "iPhone", "The", "of", "A", "Laws", "x2", "Ünïcode", "Σ"])
_TITLE_SEPARATORS = st.sampled_from([" ", ": ", " - ", ", ", "-", ". ", " “", "” "])


@given(st.lists(st.tuples(_TITLE_WORDS, _TITLE_SEPARATORS), min_size=1, max_size=12), st.booleans())
@settings(max_examples=300, deadline=None)
def test_protected_capitals_read_back_as_the_title_they_were(parts, protected_word):
    """Our BibTeX export protects the capitals of a title that is written as it prints (`keep_case`,
    with `casing = {as printed}`); reading that export back gives the title it was."""
    title = "".join(word + separator for word, separator in parts).strip()
    if protected_word:  # a curator's own protection stays
        title = title.replace("GPT", f"{NOCASE}GPT</span>", 1)

    assert richtext.as_printed(richtext.keep_case(title)) == title
    assert richtext.as_printed(f"{NOCASE}{title}</span>", whole=True) == title


def test_a_protection_that_is_not_keep_cases_is_left_as_written():
    title = f"{NOCASE}Deep{'</span>'} learning of {NOCASE}Laws</span>"

    assert richtext.as_printed(title) == title
