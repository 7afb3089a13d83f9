"""find_citations: what counts as a mention, what does not, and curators' decisions."""

import io

import pytest
from django.core.management import call_command

from bibliography.citations import distinctive
from bibliography.models import Citation, Paper, PaperLink
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def find() -> str:
    out = io.StringIO()
    call_command("find_citations", stdout=out)
    return out.getvalue()


def cites(citing: Paper) -> set[int]:
    return set(Citation.objects.filter(citing=citing).values_list("cited_id", flat=True))


@pytest.fixture
def library():
    fuse = make_paper(title="FuseGPT: Learnable Layers Fusion of Generative Pre-trained Transformers")
    scaling = make_paper(title="Scaling Data-Constrained Language Models", doi="10.1000/scaling")
    arxiv = make_paper(title="Some arXiv Paper About Things", arxiv_id="2401.01234")
    coded = make_paper(title="A Paper With Released Code", abstract="Code: https://github.com/lab/tool.")
    PaperLink.objects.create(paper=coded, url="https://github.com/lab/tool", kind="code")
    attention = make_paper(title="Attention: Where Models Look")
    return {"fuse": fuse, "scaling": scaling, "arxiv": arxiv, "coded": coded, "attention": attention}


def test_each_kind_of_mention_becomes_a_suggested_citation_with_its_sentence(library):
    citing = make_paper(
        title="Our Work",
        abstract=(
            "We start from prior art. Unlike FuseGPT, we prune nothing. "
            'As "scaling data constrained language models!" showed, data repeats. '
            "See doi:10.1000/SCALING for details. We build on arXiv:2401.01234v2. "
            "We reuse https://github.com/lab/tool/ for training."
        ),
    )
    report = find()
    assert cites(citing) == {library[k].pk for k in ("fuse", "scaling", "arxiv", "coded")}
    fuse = Citation.objects.get(citing=citing, cited=library["fuse"])
    assert (fuse.source, fuse.status, fuse.context) == ("automatic", "suggested", "Unlike FuseGPT, we prune nothing.")
    assert "4 new suggested citations" in report


def test_common_words_ambiguous_names_and_self_mentions_are_not_citations(library):
    make_paper(title="COSMO: One Model")
    make_paper(title="COSMO: Another Model")
    citing = make_paper(title="Looking", abstract="Attention is what matters here. COSMO does well.")
    self_mention = make_paper(title="SelfNet: Me", abstract="SelfNet is our model. https://github.com/me/selfnet.")
    PaperLink.objects.create(paper=self_mention, url="https://github.com/me/selfnet", kind="code")
    find()
    assert cites(citing) == set()
    assert cites(self_mention) == set()
    assert not distinctive("Attention") and distinctive("FuseGPT") and distinctive("LoRA-SB")


def test_re_running_is_idempotent_and_never_re_proposes_a_rejected_citation(library):
    citing = make_paper(title="Ours", abstract="Compared with FuseGPT, ours is faster.")
    find()
    citation = Citation.objects.get(citing=citing)
    citation.status = "rejected"
    citation.save()
    assert "0 new suggested citations" in find()
    assert Citation.objects.get(citing=citing).status == "rejected"


def test_cited_by_count_counts_only_accepted_citations(library):
    a = make_paper(title="A", abstract="FuseGPT is cited here.")
    b = make_paper(title="B", abstract="And FuseGPT again here.")
    find()
    fuse = library["fuse"]
    fuse.refresh_from_db()
    assert fuse.cited_by_count == 0
    Citation.objects.filter(citing=a).update(status="accepted")
    fuse.refresh_from_db()
    assert fuse.cited_by_count == 1
    Citation.objects.filter(citing=b).update(status="accepted")
    Citation.objects.filter(citing=a).delete()
    fuse.refresh_from_db()
    assert fuse.cited_by_count == Citation.objects.filter(cited=fuse, status="accepted").count() == 1


def test_the_seed_dumps_cite_one_paper_by_its_short_title():
    from tests.dumps import DUMPS

    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    assert find().strip() == "Read 183 abstracts: 1 mentions, 1 new suggested citations."  # the talk has none
    citation = Citation.objects.get()
    assert citation.citing.title == "Rethinking the Value of Network Pruning"
    assert citation.cited.title == "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
    assert citation.context.startswith('We also compare with the "Lottery Ticket Hypothesis" (Frankle & Carbin 2019)')


def test_a_short_title_of_several_words_is_a_mention_only_when_written_as_a_name():
    lottery = make_paper(title="The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks")
    social = make_paper(title="Time Spent on Social Networking Sites: Understanding User Behavior")
    make_paper(title="Deep learning: a review")  # one capitalised word: a phrase, never a name
    make_paper(title="Graph Neural Networks: A Survey")
    make_paper(title="Graph Neural Networks: Another Survey")  # the same short title twice: ambiguous
    named = make_paper(title="Named", abstract="We revisit the Lottery Ticket Hypothesis at scale.")
    described = make_paper(
        title="Described",
        abstract="We relate time spent on social networking sites to well-being. The lottery ticket hypothesis holds.",
    )
    phrases = make_paper(title="Phrases", abstract="Deep learning is used. Graph Neural Networks are used.")
    find()
    assert cites(named) == {lottery.pk}
    assert cites(described) == set()
    assert cites(phrases) == set()
    assert social.citations_received.count() == 0
