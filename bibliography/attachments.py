"""Files attached to papers: what a file is (by its content), the text read from it, and keeping it.

A file is read whole before anything is written (`read`), so that a refused file leaves nothing behind
and a file whose text cannot be read is still kept, with a note saying why (an encrypted PDF, a scan).
"""

import contextlib
import hashlib
import io
import logging
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

import filetype
import pypdf
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.http import FileResponse, Http404
from pypdf.errors import PyPdfError

from bibliography import text as texts
from bibliography.models import Attachment, Paper

# The kinds of file kept with papers, by what their content is; anything else is refused by name.
KEPT_TYPES = {
    "application/pdf": "PDF",
    "application/epub+zip": "EPUB",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint slides",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel sheet",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument slides",
    "application/zip": "ZIP archive",
    "application/gzip": "gzip archive",
    "application/x-tar": "tar archive",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/tiff": "TIFF image",
    "text/plain": "text",
    "text/html": "web page",
}
# A name ending so says what the content must be: a login page saved as `paper.pdf` is not a PDF.
PROMISED_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
KEPT_TEXT_CHARS = 5_000_000
SNIFFED_BYTES = 65_536
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_CUT_WORD = re.compile(r"(\w)-\n(\w)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

log = logging.getLogger(__name__)


class FileRefused(ValueError):
    """A file that is not kept, with the reason in words that name it."""


@dataclass
class ReadFile:
    """A file as read, before it is kept: its content and what is known of it."""

    name: str
    content: bytes
    media_type: str
    sha256: str
    text: str
    text_note: str
    pages: int | None

    @property
    def size(self) -> int:
        return len(self.content)


def read(upload, name: str | None = None) -> ReadFile:
    """Read an uploaded file (any object with `.read()` or `.chunks()`): FileRefused if it is too big or
    not a kind of file kept with papers."""
    name = _clean_name(name or getattr(upload, "name", "") or "file")
    limit = settings.ATTACHMENT_MAX_BYTES
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise FileRefused(f"{name}: {size_in_words(declared)} is more than the {size_in_words(limit)} a file may have.")
    content = _content(upload, limit, name)
    if not content:
        raise FileRefused(f"{name}: the file is empty.")
    media_type = media_type_of(content)
    if media_type is None:
        found = filetype.guess_mime(content[:SNIFFED_BYTES])
        what = f"its content is {found}" if found else "its content is not a kind of file kept with papers"
        raise FileRefused(f"{name}: {what} (kept: {', '.join(sorted(set(KEPT_TYPES.values())))}).")
    promised = PROMISED_BY_SUFFIX.get(posixpath.splitext(name.lower())[1])
    if promised and promised != media_type:
        raise FileRefused(
            f"{name}: the name says {KEPT_TYPES[promised]}, but the content is {KEPT_TYPES[media_type].lower()}"
            + (" (a page a site gave instead of the file?)" if media_type == "text/html" else "")
            + "."
        )
    found_text, note, pages = text_of(content, media_type)
    return ReadFile(name, content, media_type, hashlib.sha256(content).hexdigest(), found_text, note, pages)


def media_type_of(content: bytes) -> str | None:
    """What the content is, from its first bytes (and for text, from being text), if it is a kind kept."""
    head = content[:SNIFFED_BYTES]
    if head.lstrip()[:5] == b"%PDF-" or head[:1024].find(b"%PDF-") >= 0:  # a PDF may have junk before %PDF-
        return "application/pdf"
    guessed = filetype.guess_mime(head)
    if guessed in KEPT_TYPES:
        return guessed
    if guessed is None and _is_text(head):
        return "text/html" if _HTML_START.match(head) else "text/plain"
    return None


def text_of(content: bytes, media_type: str) -> tuple[str, str, int | None]:
    """The text a search can find the file by, why there is none (or not all), and its pages if known."""
    if media_type == "application/pdf":
        return _pdf_text(content)
    if media_type in ("text/plain", "text/html"):
        decoded = _decoded(content)
        if media_type == "text/html":
            decoded = _html_text(decoded)
        found, note = _kept(decoded)
        return found, note, None
    return "", "", None


@transaction.atomic
def attach(paper: Paper, file: ReadFile, *, user=None) -> Attachment:
    """Keep a file read by `read` with the paper: FileRefused if the paper has it already. The file is
    removed from the storage again if the transaction that keeps its row does not commit."""
    if existing := paper.attachments.filter(sha256=file.sha256).first():
        raise FileRefused(f"{file.name}: this file is attached to the paper already, as {existing.name}.")
    attachment = Attachment(
        paper=paper,
        name=file.name,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        text=file.text,
        text_note=file.text_note,
        pages=file.pages,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    attachment.file.save(file.name, File(io.BytesIO(file.content), name=file.name), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def detach(attachment: Attachment) -> None:
    """Remove an attachment, and its file once the removal is committed."""
    storage, stored = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# Opened in the browser; anything else is downloaded, so that no kept file runs as a page of this site.
SHOWN_INLINE = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def response(attachment: Attachment) -> FileResponse:
    """The file as a download (or shown, for a PDF or an image), streamed from the storage."""
    try:
        opened = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404(f"The file {attachment.name} is missing from the storage.") from None
    answer = FileResponse(
        opened,
        as_attachment=attachment.media_type not in SHOWN_INLINE,
        filename=attachment.name,
        content_type=attachment.media_type,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Cache-Control"] = "private, max-age=0"
    return answer


def _content(upload, limit: int, name: str) -> bytes:
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):  # a stream that cannot seek is read from where it is
            upload.seek(0)
    parts, total = [], 0
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise FileRefused(f"{name}: more than the {size_in_words(limit)} a file may have.")
        parts.append(chunk)
    return b"".join(parts)


def _pdf_text(content: bytes) -> tuple[str, str, int | None]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            return "", "The PDF is encrypted with a password: no text was read.", None
        pages = reader.pages
        count = len(pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as e:
        log.info("PDF not readable: %s", e)
        return "", f"The PDF could not be read ({type(e).__name__}): the file is kept, without its text.", None
    found, unread = [], []
    for number, page in enumerate(pages, 1):
        try:
            found.append(page.extract_text() or "")
        except Exception as e:  # noqa: BLE001 — pypdf raises anything on a damaged page; the others still count
            log.info("PDF page %s not readable: %s", number, e)
            unread.append(number)
        if sum(map(len, found)) > KEPT_TEXT_CHARS:
            break
    whole, note = _kept(_as_words("\n\n".join(found)))
    if unread:
        note = _joined(note, f"{texts.count_of(len(unread), 'page')} could not be read ({_numbers(unread)}).")
    if not whole.strip():
        note = _joined(note, "The PDF has no text to read (a scan without a text layer?).")
    return whole, note, count


def _as_words(printed: str) -> str:
    """A PDF's text as a reader reads it: ligatures as their letters (ﬁ as fi) and a word cut at the end
    of a line whole again (`ob-` `tain`), so that a search for "find" or "obtain" finds it."""
    return _CUT_WORD.sub(r"\1\2", unicodedata.normalize("NFKC", printed))


def _kept(found: str) -> tuple[str, str]:
    found = _CONTROL.sub(" ", found)  # NUL cannot be stored, and the others are nobody's text
    if len(found) > KEPT_TEXT_CHARS:
        return found[:KEPT_TEXT_CHARS], f"Only the first {KEPT_TEXT_CHARS:,} characters of its text are kept."
    return found, ""


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self._skipped = [], 0

    def handle_starttag(self, tag, attrs):
        self._skipped += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skipped -= tag in ("script", "style") and self._skipped > 0

    def handle_data(self, data):
        if not self._skipped:
            self.words.append(data)


def _html_text(page: str) -> str:
    parser = _Words()
    parser.feed(page)
    parser.close()
    return re.sub(r"\s+\n", "\n", " ".join(parser.words))


def _is_text(head: bytes) -> bool:
    """UTF-8 (a stray NUL of a crashed write allowed) or UTF-16 with its byte order mark."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if head.count(b"\x00") * 20 > len(head):  # binary formats are full of them
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 3  # cut in the middle of a character by the sniffed length
    return True


def _decoded(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    return content.decode("utf-8", errors="replace")


def _clean_name(name: str) -> str:
    name = posixpath.basename(name.replace("\\", "/")).strip()
    name = _CONTROL.sub("", name)
    return name[-200:] or "file"


def size_in_words(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _numbers(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:10]))
    return shown + (", …" if len(pages) > 10 else "")


def _joined(*notes: str) -> str:
    return " ".join(n for n in notes if n)[:300]
