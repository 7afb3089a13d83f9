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
