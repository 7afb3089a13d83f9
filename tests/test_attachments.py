"""Files attached to papers: checked by their content, kept in the storage, found by the search through
their text, moved by merges, written in exports; nothing kept when a file is refused."""

import io
import random
import string
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from bibliography import attachments
from bibliography.merging import paper_merge
from bibliography.models import Attachment, Note, Paper
from bibliography.vocabulary import SEARCHED_FILE_CHARS
from tests.admin_pages import CHANGELIST, _change_form_data, titles
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parent / "data" / "real" / "pdf"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def empty_storage():
    for path in stored_files():
        path.unlink()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def attach_in_admin(client, paper, *files):
    data = _change_form_data(paper) | {"new_files": list(files)}
    return client.post(f"{CHANGELIST}{paper.pk}/change/", data)


def api_search(terms: str) -> list[str]:
    return [p["title"] for p in APIClient().get("/api/papers/", {"search": terms}).json()["results"]]


class TestWhatAFileIs:
    """Known by its content: a name promises, the content decides."""

    def test_a_login_page_saved_as_a_pdf_is_refused_by_name_and_nothing_is_kept(self, client, curator):
        paper = make_paper(title="Paywalled")
        page = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Institutional login</body></html>"
        answer = attach_in_admin(client, paper, upload("paper.pdf", page))
        assert answer.status_code == 200
        errors = answer.context["adminform"].form.errors["new_files"]
        assert errors == [
            "paper.pdf: the name says PDF, but the content is web page (a page a site gave instead of the file?)."
        ]
        assert not Attachment.objects.exists() and stored_files() == []

    def test_binary_of_no_kept_kind_is_refused_and_says_what_is_kept(self):
        with pytest.raises(attachments.FileRefused, match=r"^tool\.exe: .*kept: .*PDF"):
            attachments.read(upload("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4))

    def test_an_empty_file_is_refused(self):
        with pytest.raises(attachments.FileRefused, match="^notes.txt: the file is empty"):
            attachments.read(upload("notes.txt", b""))

    def test_a_file_over_the_limit_is_refused_with_the_limit(self, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024
        with pytest.raises(attachments.FileRefused, match=r"^big.txt: 2 KB is more than the 1 KB"):
            attachments.read(upload("big.txt", b"a" * 2048))
        stream = io.BytesIO(b"b" * 5000)  # a stream that does not say its size is stopped while read
        with pytest.raises(attachments.FileRefused, match=r"^piped.txt: more than the 1 KB"):
            attachments.read(stream, name="piped.txt")

    def test_text_with_nul_bytes_and_control_characters_is_kept_and_found(self, client, curator):
        paper = make_paper(title="Logged run")
        make_paper(title="Unrelated")
        content = "Loss spiked at step 4000 after warmup\x00\x07 because the zymurgical scheduler reset.\n"
        assert attach_in_admin(client, paper, upload("run.log", content.encode())).status_code == 302
        kept = Attachment.objects.get()
        assert (kept.media_type, kept.name) == ("text/plain", "run.log")
        assert "\x00" not in kept.text and "zymurgical scheduler" in kept.text
        assert api_search("zymurgical scheduler") == ["Logged run"]

    def test_a_web_page_is_found_by_its_words_not_its_markup_and_downloaded_not_shown(self, client, curator):
        paper = make_paper(title="Blog post")
        page = (
            b"<html><head><style>.quokka{}</style><script>var wombat = 1;</script></head>"
            b"<body><p>The platypus experiment &amp; its replication.</p></body></html>"
        )
        assert attach_in_admin(client, paper, upload("post.html", page)).status_code == 302
        assert api_search("platypus replication") == ["Blog post"]
        assert api_search("wombat") == [] and api_search("quokka") == []
        kept = Attachment.objects.get()
        answer = client.get(f"{CHANGELIST}file/{kept.pk}/")
        assert answer["Content-Disposition"].startswith("attachment;")  # never a page of this site
        assert answer["Content-Type"] == "text/html" and answer["X-Content-Type-Options"] == "nosniff"
        assert b"".join(answer.streaming_content) == page

    def test_the_searched_text_of_any_content_fits_a_full_text_vector(self):
        """tsvector stops at 1 MB: the worst text (every word another) of the searched length still fits."""
        rng = random.Random(7)
        words = ("".join(rng.choices(string.ascii_lowercase + string.digits, k=6)) for _ in iter(int, 1))
        text = ""
        while len(text) < SEARCHED_FILE_CHARS + 1000:
            text += next(words) + " "
        file = attachments.ReadFile("words.txt", text.encode(), "text/plain", "0" * 64, text, "", None)
        attachments.attach(make_paper(title="Many words"), file)
        assert Attachment.objects.filter(search_vector__isnull=False).count() == 1


class TestOnAPaper:
    def test_the_same_file_twice_on_a_paper_is_refused_and_the_first_kept(self, client, curator):
        paper = make_paper(title="Twice")
        assert attach_in_admin(client, paper, upload("a.txt", b"same words")).status_code == 302
        again = attach_in_admin(client, paper, upload("b.txt", b"same words"))
        assert again.context["adminform"].form.errors["new_files"] == [
            "b.txt: this file is attached to the paper already, as a.txt."
        ]
        assert list(Attachment.objects.values_list("name", flat=True)) == ["a.txt"] and len(stored_files()) == 1

    def test_the_change_form_links_its_doi_arxiv_id_links_and_files(self, client, curator):
        paper = make_paper(title="Linked", doi="10.1000/xyz", arxiv_id="1803.03635")
        paper.links.create(url="https://github.com/example/code")
        paper.links.create(url="javascript:alert(1)")
        attachments.attach(paper, attachments.read(upload("notes.txt", b"reading notes")))
        page = client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
        assert 'href="https://doi.org/10.1000/xyz"' in page
        assert 'href="https://arxiv.org/abs/1803.03635"' in page
        assert 'href="https://github.com/example/code"' in page
        assert 'href="javascript:' not in page
        kept = Attachment.objects.get()
        assert f'href="{CHANGELIST}file/{kept.pk}/">notes.txt</a>' in page
        assert "13 characters read." in page

    def test_removing_a_file_removes_it_from_the_storage_once_committed(
        self, client, curator, django_capture_on_commit_callbacks
    ):
        paper = make_paper(title="Removed")
        attach_in_admin(client, paper, upload("gone.txt", b"to be removed"))
        kept = Attachment.objects.get()
        assert len(stored_files()) == 1
        data = _change_form_data(paper) | {"attachments-0-DELETE": "on"}
        assert data["attachments-0-id"] == kept.pk
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"{CHANGELIST}{paper.pk}/change/", data).status_code == 302
        assert not Attachment.objects.exists() and stored_files() == []
        history = client.get(f"{CHANGELIST}{paper.pk}/history/").context["timeline"]
        said = [line for entry in history for line in entry.what]
        assert "file “gone.txt” removed" in said and "file “gone.txt” added" in said

    def test_a_merge_moves_notes_and_files_to_the_survivor(self, django_capture_on_commit_callbacks):
        survivor, other = make_paper(title="Lottery tickets"), make_paper(title="Lottery tickets (preprint)")
        Note.objects.create(paper=other, text="Compare with the rewinding follow-up.")
        for paper, name, content in ((survivor, "final.txt", b"final"), (other, "pre.txt", b"preprint"),
                                     (other, "same.txt", b"final")):  # fmt: skip
            attachments.attach(paper, attachments.read(upload(name, content)))
        with django_capture_on_commit_callbacks(execute=True):
            report = paper_merge(into=survivor, others=[other])
        assert list(survivor.notes.values_list("text", flat=True)) == ["Compare with the rewinding follow-up."]
        assert sorted(survivor.attachments.values_list("name", flat=True)) == ["final.txt", "pre.txt"]
        assert (report.moved["notes"], report.moved["files"], report.dropped["files already there"]) == (1, 1, 1)
        assert len(stored_files()) == 2  # the double's copy went with it


class TestThroughTheApi:
    def test_a_curator_uploads_a_file_and_a_signed_in_user_reads_it(self, curator):
        paper = make_paper(title="Uploaded")
        api = APIClient()
        api.force_authenticate(curator)
        made = api.post("/api/attachments/", {"paper": paper.pk, "file": upload("data.csv", b"x,y\n1,2\n")},
                        format="multipart")  # fmt: skip
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["name"], body["media_type"], body["size"], body["created_by"]) == ("data.csv", "text/plain", 8,
                                                                                         "cur")  # fmt: skip
        got = api.get(body["download"])
        assert got.status_code == 200 and b"".join(got.streaming_content) == b"x,y\n1,2\n"
        assert [a["id"] for a in api.get("/api/attachments/", {"paper": paper.pk}).json()["results"]] == [body["id"]]
        anonymous = APIClient()
        assert anonymous.get("/api/attachments/").status_code in (401, 403)
        assert anonymous.get(body["download"]).status_code in (401, 403)

    def test_a_refused_file_is_a_400_that_names_it_and_a_double_a_409(self, curator):
        paper = make_paper(title="Refusals")
        api = APIClient()
        api.force_authenticate(curator)
        bad = api.post("/api/attachments/", {"paper": paper.pk, "file": upload("scan.pdf", b"GIF89a" + bytes(64))},
                       format="multipart")  # fmt: skip
        assert bad.status_code == 400 and "scan.pdf: the name says PDF" in str(bad.json())
        first = api.post("/api/attachments/", {"paper": paper.pk, "file": upload("a.txt", b"once")}, format="multipart")
        again = api.post("/api/attachments/", {"paper": paper.pk, "file": upload("b.txt", b"once")}, format="multipart")
        assert (first.status_code, again.status_code) == (201, 409)
        assert "attached to the paper already, as a.txt" in str(again.json())
        assert Attachment.objects.count() == 1 and len(stored_files()) == 1


class TestExported:
    def test_bibtex_carries_a_file_field_and_the_export_copies_the_files_beside_it(self, tmp_path):
        paper = make_paper(title="Exported", year=2020)
        attachments.attach(paper, attachments.read(upload("notes: part 1.txt", b"exported words")))
        out = tmp_path / "library.bib"
        call_command("export_bibliography", "--format", "bibtex", "--output", str(out), "--with-files",
                     stdout=io.StringIO())  # fmt: skip
        written = out.read_text()
        stored = Attachment.objects.get().file.name
        assert f"file = {{notes\\: part 1.txt:{stored}:text/plain}}" in written
        assert (tmp_path / stored).read_bytes() == b"exported words"

    def test_an_imported_file_field_is_kept_beside_the_attached_files(self, tmp_path):
        bib = tmp_path / "zotero.bib"
        bib.write_text(
            "@article{kept2020, title = {Kept file}, author = {Doe, Jane}, year = {2020},\n"
            "  file = {Full Text PDF:files/12/doe.pdf:application/pdf}}\n"
        )
        call_command("import_dumps", str(bib), "--no-progress", stdout=io.StringIO())
        paper = Paper.objects.get()
        attachments.attach(paper, attachments.read(upload("mine.txt", b"mine")))
        out = tmp_path / "out.bib"
        call_command("export_bibliography", "--format", "bibtex", "--output", str(out), stdout=io.StringIO())
        stored = Attachment.objects.get().file.name
        assert f"file = {{Full Text PDF:files/12/doe.pdf:application/pdf;mine.txt:{stored}:text/plain}}" in (
            out.read_text()
        )


# Real PDFs from public repositories' test corpora (tests/data/real/pdf/README.md), with a sentence each
# has on a page, as its text reads.
SENTENCES = {
    "shinyama-naacl06.pdf": (
        8,
        "In this way, we gradually extend a table while retaining a relation among its columns.",
    ),
    "tracemonkey.pdf": (
        14,
        "Every compiled trace contains all the guards (checks) required to validate the speculation.",
    ),
    "google-doc.pdf": (1, "Although that way may not be obvious at first unless you're Dutch."),
    "corrupted-flate.pdf": (1, "If the implementation is easy to explain, it may be a good idea."),
}


class TestRealPdfs:
    @pytest.mark.parametrize("name", sorted(SENTENCES))
    def test_a_pdf_attached_in_the_admin_is_found_by_a_sentence_inside_it(self, client, curator, name):
        pages, sentence = SENTENCES[name]
        paper = make_paper(title="A paper with its PDF", abstract="Nothing of its body is here.")
        make_paper(title="Another paper")
        content = (REAL / name).read_bytes()
        assert attach_in_admin(client, paper, upload(name, content)).status_code == 302
        kept = Attachment.objects.get()
        assert (kept.media_type, kept.pages, kept.size, kept.text_note) == ("application/pdf", pages, len(content), "")
        assert (Path(settings.MEDIA_ROOT) / kept.file.name).read_bytes() == content
        assert api_search(sentence) == ["A paper with its PDF"]
        assert api_search(f'"{sentence}"') == ["A paper with its PDF"]  # as a phrase: the words in that order
        assert titles(client.get(CHANGELIST, {"q": sentence})) == ["A paper with its PDF"]
        shown = client.get(f"{CHANGELIST}file/{kept.pk}/")
        assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline;")

    def test_words_printed_with_ligatures_or_cut_at_a_line_end_are_found_as_typed(self, client, curator):
        paper = make_paper(title="Preemptive information extraction")
        attachments.attach(paper, attachments.read((REAL / "shinyama-naacl06.pdf").open("rb")))
        text = Attachment.objects.get().text
        assert "ﬁ" not in text and "finding" in text  # printed with the ﬁ ligature
        assert "preliminary" in text and "pre-\nliminary" not in text  # printed "pre-" at a line's end
        assert api_search("preliminary finding") == ["Preemptive information extraction"]

    @pytest.mark.parametrize(
        "name, note",
        [
            ("encrypted-rc4.pdf", "The PDF is encrypted with a password: no text was read."),
            ("scanned-page.pdf", "The PDF has no text to read (a scan without a text layer?)."),
            ("truncated.pdf", "The PDF could not be read (PdfStreamError): the file is kept, without its text."),
        ],
    )
    def test_a_pdf_without_readable_text_is_kept_with_a_note_that_says_why(self, client, curator, name, note):
        paper = make_paper(title="Kept anyway")
        content = (REAL / name).read_bytes()
        assert attach_in_admin(client, paper, upload(name, content)).status_code == 302
        kept = Attachment.objects.get()
        assert (kept.text, kept.text_note, kept.size) == ("", note, len(content))
        assert note in client.get(f"{CHANGELIST}{paper.pk}/change/").content.decode()
