"""Bytes into lines, for every format alike (bibliography/formats/reader.py): line ends, byte-order
marks, UTF-16, a declared encoding, and lines that are not UTF-8."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibliography.formats.fields import squeeze
from bibliography.formats.reader import DumpReader
from bibliography.formats.registry import detect_format
from bibliography.importers.load import import_file
from bibliography.models import Paper
from tests.dumps import ABSTRACT, HEADER, write

from .conftest import read


def test_crlf_and_bom_read_like_plain_lines(tmp_path):
    text = HEADER + f"A Title\n\n{ABSTRACT}\n"
    plain, _ = read("listing", text, tmp_path, "plain.txt")
    windows, _ = read("listing", ("\ufeff" + text.replace("\n", "\r\n")).encode(), tmp_path, "windows.txt")
    assert [(p.title, p.abstract, p.line) for p in windows] == [(p.title, p.abstract, p.line) for p in plain]
    assert detect_format(tmp_path / "windows.txt").name == "listing"


def test_a_line_that_is_not_utf8_is_read_as_windows_1252_and_said_once(tmp_path):
    path = write(tmp_path, HEADER.encode() + b"A Title\n\nAbstract with caf\xe9 and na\xefve \x93quotes\x94.\n")
    reader = DumpReader(path)
    lines = [line.text for line in reader]
    assert lines[-1] == "Abstract with café and naïve “quotes”."
    assert reader.warnings == [
        "dump.txt:13: not UTF-8 (byte 0xe9 at column 18): lines that are not UTF-8 are read as cp1252"
    ]


def test_a_file_that_declares_its_encoding_is_read_in_it(tmp_path):
    path = write(tmp_path, b"% Encoding: ISO8859_15\n@article{a, title = {\xa4 and \xe9}}\n")
    assert [line.text for line in DumpReader(path)][1] == "@article{a, title = {€ and é}}"


def test_utf16_with_its_bom_and_lone_cr_line_ends_are_read(tmp_path):
    path = write(tmp_path, "TY  - JOUR\rTI  - Café\r\nER  - \r".encode("utf-16"))
    assert [(line.number, line.text) for line in DumpReader(path)] == [
        (1, "TY  - JOUR"),
        (2, "TI  - Café"),
        (3, "ER  - "),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "utf-16"])
def test_every_encoding_a_real_file_comes_in(db, tmp_path, encoding):
    path = tmp_path / "encoded.bib"
    path.write_bytes("@article{k, title = {Über Straßen und Cafés}, year = 2020}\n".encode(encoding))
    result = import_file(path)
    assert result.ok, result.error
    assert Paper.objects.get().title == "Über Straßen und Cafés"


@given(st.text(alphabet=st.sampled_from([" ", "\t", "\r", "\n", "\xa0", "a", "é", "\x0c"]), max_size=40))
def test_squeezing_makes_each_run_of_spaces_tabs_and_line_breaks_one_space(value):
    assert squeeze(value) == " ".join(part for part in re.split(r"[ \t\r\n]+", value) if part).strip()
