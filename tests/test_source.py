"""Source layer: decoding, newline style, GO batches and file-relative spans."""

import codecs

import pytest

from migrator.frontend.segment import segment_batch
from migrator.source import DecodeError, SourceFile, decode, find_unterminated, split_batches

TEXT = "SELECT 'it’s' AS x\r\nGO\r\n"


@pytest.mark.parametrize("data,encoding,bom", [
    (TEXT.encode("utf-8"), "utf-8", False),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8 (BOM)", True),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le (BOM)", True),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be (BOM)", True),
    (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le (BOM)", True),
    (TEXT.encode("utf-16-le"), "utf-16-le", False),
    (TEXT.encode("utf-16-be"), "utf-16-be", False),
    (TEXT.encode("cp1252"), "cp1252", False),  # ’ is 0x92: not UTF-8
])
def test_decode(data, encoding, bom):
    text, enc, had_bom = decode(data)
    assert (text, enc, had_bom) == (TEXT, encoding, bom)


def test_cp1252_quote_byte():
    text, enc, _ = decode(b"PRINT 'don\x92t'")
    assert enc == "cp1252" and text == "PRINT 'don’t'"


@pytest.mark.parametrize("data", [b"\x00\x01\x02\xff\xfe\x00\x00", b"SELECT 1\x00\x00 x", bytes(range(1, 32)) * 20,
                                  b"\x81\x8d\x8f\x90\x9d" * 3])
def test_binary_is_a_decode_error(data):
    with pytest.raises(DecodeError):
        decode(data)


def test_bad_bom_is_a_decode_error():
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode(codecs.BOM_UTF8 + b"SELECT \xff")


def test_newline_style_kept():
    crlf = SourceFile.from_bytes("a.sql", b"SELECT 1\r\nGO\r\nSELECT 2\r\n")
    assert crlf.newline == "\r\n" and "\r" not in crlf.text
    lf = SourceFile.from_bytes("a.sql", b"SELECT 1\nGO\n")
    assert lf.newline == "\n"
    old_mac = SourceFile.from_bytes("a.sql", b"SELECT 1\rSELECT 2")
    assert old_mac.text == "SELECT 1\nSELECT 2"


@pytest.mark.parametrize("text,batches,repeats", [
    ("SELECT 1\nGO\nSELECT 2", ["SELECT 1", "SELECT 2"], [1, 1]),
    ("SELECT 1\ngo\nSELECT 2\nGo", ["SELECT 1", "SELECT 2"], [1, 1]),
    ("SELECT 1\nGO 5\nSELECT 2", ["SELECT 1", "SELECT 2"], [5, 1]),
    ("SELECT 1\n  GO  -- done\nSELECT 2", ["SELECT 1", "SELECT 2"], [1, 1]),
    ("SELECT 'a\nGO\nb'\nGO", ["SELECT 'a\nGO\nb'"], [1]),
    ("SELECT 1 /*\nGO\n*/\nGO\nSELECT 2", ["SELECT 1 /*\nGO\n*/", "SELECT 2"], [1, 1]),
    ("SELECT 1 /* a /* nested */\nGO\n*/ SELECT 2", ["SELECT 1 /* a /* nested */\nGO\n*/ SELECT 2"], [1]),
    ("SELECT 1 -- GO\nGO\nSELECT 2", ["SELECT 1 -- GO", "SELECT 2"], [1, 1]),
    ("SELECT [a\nGO\n] FROM t", ["SELECT [a\nGO\n] FROM t"], [1]),
    ("SELECT 1 GO", ["SELECT 1 GO"], [1]),  # GO must be alone on its line
    ("SELECT 1\nGOTO x\nGO", ["SELECT 1\nGOTO x"], [1]),
    ("GO\nGO\n\nGO", [], []),
])
def test_split_batches(text, batches, repeats):
    got = split_batches(text)
    assert [b.text.strip() for b in got] == batches
    assert [b.repeat for b in got] == repeats
    for b in got:
        assert text[b.offset:b.offset + len(b.text)] == b.text
        assert b.line == text.count("\n", 0, b.offset) + 1


def test_spans_are_file_relative():
    text = "-- header\nSELECT 1\nGO\n\nCREATE TABLE t (a INT)\nGO\nSELECT a\n  FROM t   SELECT 2\n"
    src = SourceFile.from_text("a.sql", text)
    spans = []
    for batch in split_batches(src.text):
        for node in segment_batch(src, batch):
            spans.append((node.text, node.span.line, node.span.col, node.span.end_line))
            assert src.text[node.span.start:node.span.end] == node.text
    assert spans == [("SELECT 1", 2, 1, 2), ("CREATE TABLE t (a INT)", 5, 1, 5), ("SELECT a\n  FROM t", 7, 1, 8),
                     ("SELECT 2", 8, 12, 8)]


def test_spans_from_crlf_utf16_file():
    data = codecs.BOM_UTF16_LE + "SELECT 1\r\nGO\r\nSELECT 2\r\n".encode("utf-16-le")
    src = SourceFile.from_bytes("a.sql", data)
    nodes = [n for b in split_batches(src.text) for n in segment_batch(src, b)]
    assert [(n.text, n.span.line, n.span.col) for n in nodes] == [("SELECT 1", 1, 1), ("SELECT 2", 3, 1)]


@pytest.mark.parametrize("text,found", [
    ("SELECT 'abc", (7, "string")), ("SELECT 'a''", (7, "string")), ("SELECT 'a'''", None),
    ("x /* a /* b */", (2, "block comment")), ("x /* a */", None), ("[a]]", (0, "bracketed")), ("[a]]]", None),
    ('"x', (0, "quoted")), ("-- 'a", None),
])
def test_find_unterminated(text, found):
    got = find_unterminated(text)
    assert (got and (got[0], got[1].split()[0])) == (found and (found[0], found[1].split()[0]))
