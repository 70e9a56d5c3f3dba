"""The seed parser and the date-precision rules: pure Python, no database."""

import datetime as dt
import hashlib
import os
import tracemalloc
from pathlib import Path

import pytest

from events.ingest import dates
from events.ingest.cameo import parse_cameo
from events.ingest.parser import decode_seed, parse_article, read_seed
from events.ingest.records import ParseError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def parse_bytes(data: bytes, max_bytes: int = 10_000):
    return parse_article(decode_seed(data, source="x.txt", max_bytes=max_bytes), source="x.txt")


def test_it_splits_the_rt_seed_into_headline_caption_and_paragraphs():
    text = (SEEDS / "000_eb3323f6cf93e5ce.txt").read_text(encoding="utf-8")
    parsed = parse_article(text, source="000.txt")
    assert parsed.headline_text == "US warns Azerbaijan to end military operation"
    assert parsed.caption_text == "Lazy eyes listen"
    assert len(parsed.paragraphs) == 9
    assert parsed.paragraphs[0].of(text).startswith("US Secretary of State Antony Blinken has called")
    assert parsed.paragraphs[-1].of(text).endswith("recognise Azeri sovereignty over the territory.")


def test_it_splits_the_asbarez_seed_and_keeps_offsets_into_the_verbatim_text():
    text = (SEEDS / "004_18fe2a88e90ce931.txt").read_text(encoding="utf-8")
    parsed = parse_article(text, source="004.txt")
    assert parsed.headline_text == "U.S. Discusses Karabakh with Turkey as Calls for De-Escalation Mount"
    assert parsed.caption_text.startswith("Turkish Foreign Minister Mevlut Cavusoglu (left)")
    assert len(parsed.paragraphs) == 9
    # Offsets are into the whole text, so slicing the original gives the paragraph back.
    for span in parsed.paragraphs:
        assert text[span.start : span.end] == span.of(parsed.text)
        assert span.of(text) == span.of(text).strip()


def test_sha256_is_of_the_file_bytes():
    data = (SEEDS / "000_eb3323f6cf93e5ce.txt").read_bytes()
    assert parse_bytes(data, max_bytes=100_000).sha256 == hashlib.sha256(data).hexdigest()


def test_a_utf8_byte_order_mark_is_not_part_of_the_text():
    data = b"Headline\n\nCaption\n\n\nBody one."
    with_mark = parse_bytes(b"\xef\xbb\xbf" + data)
    assert with_mark.text == data.decode() and with_mark.headline_text == "Headline"
    assert with_mark.sha256 == parse_bytes(data).sha256  # the same article as the file without the mark
    with pytest.raises(ParseError, match="the file holds only whitespace"):
        parse_bytes(b"\xef\xbb\xbf \n")


def test_a_single_block_after_the_headline_is_body_not_caption():
    parsed = parse_bytes(b"Headline\n\nOnly paragraph of the story.\n\n\n")
    assert parsed.caption is None
    assert [p.of(parsed.text) for p in parsed.paragraphs] == ["Only paragraph of the story."]


def test_a_line_followed_by_one_blank_line_is_a_paragraph_not_a_caption():
    parsed = parse_bytes(b"Headline\n\nFirst paragraph.\n\nSecond paragraph.")
    assert parsed.caption is None
    assert len(parsed.paragraphs) == 2


def test_windows_line_endings_are_accepted_and_kept_verbatim():
    data = b"Headline\r\n\r\nCaption\r\n\r\n\r\nBody one.\r\n\r\nBody two."
    parsed = parse_bytes(data)
    assert parsed.text == data.decode()
    assert parsed.caption_text == "Caption"
    assert [p.of(parsed.text) for p in parsed.paragraphs] == ["Body one.", "Body two."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n \n", "the file holds only whitespace"),
        (b"Only a headline\n", "x.txt:1: no body after the headline"),
        (b"Only a headline\n\n\n\n", "no body after the headline"),
        (b"Headline\n\nbody \xff\xfe here", "x.txt:3: not UTF-8: invalid byte 0xff"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text article: this is a PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a text article: this is a ZIP archive"),
        (b"Headline\n\nbody\x00with a NUL", "x.txt:3: binary file: NUL byte at byte 14"),
        ("Headline\n\nCafé au lait".encode("latin-1"), "x.txt:3: not UTF-8: invalid byte 0xe9 at byte 13 (Latin-1"),
        ("Headline\n\nBody text.".encode("utf-16-le"), "UTF-16 text (little-endian, no byte order mark)"),
        ("Headline\n\nBody text.".encode("utf-16-be"), "UTF-16 text (big-endian, no byte order mark)"),
        ("Headline\n\nBody text.".encode("utf-16"), "UTF-16 text (little-endian byte order mark)"),
        (b"Headline\n\nbody with a bell \x07 in it", "binary file: control character U+0007"),
        (b"Headline line one\nline two\n\nbody", "x.txt:1: the headline must be a single line"),
        (b"H" * 600 + b"\n\nbody", "the headline is 600 characters long"),
        (b"Headline\n\n" + b"a" * 20_000, "the file is 20,010 bytes; the limit is 10,000 bytes"),
    ],
)
def test_bad_files_are_refused_with_the_reason(data, message):
    with pytest.raises(ParseError) as error:
        parse_bytes(data)
    assert message in str(error.value)


def test_parse_error_names_the_file_and_line():
    error = ParseError("seeds/x.txt", 12, "no body after the headline")
    assert str(error) == "seeds/x.txt:12: no body after the headline"
    assert str(ParseError("seeds/x.txt", None, "the file is empty")) == "seeds/x.txt: the file is empty"


@pytest.mark.parametrize(
    ("value", "precision", "label"),
    [
        (dt.date(2020, 1, 1), dates.YEAR, "2020"),
        (dt.date(2022, 8, 1), dates.MONTH, "August 2022"),
        (dt.date(2023, 9, 19), dates.DAY, "19 September 2023"),
        (dt.date(2023, 6, 1), dates.SEASON, "Summer 2023"),
        (dt.date(2022, 12, 1), dates.SEASON, "Winter 2022–23"),
        (dt.date(2023, 9, 19), dates.APPROXIMATE, "c. 19 September 2023"),
        (None, dates.DAY, "undated"),
    ],
)
def test_dates_render_at_their_precision(value, precision, label):
    assert dates.format_fuzzy_date(value, precision) == label


@pytest.mark.parametrize(
    ("args", "label"),
    [
        ((dt.date(2020, 11, 9), dates.DAY, dt.date(2020, 11, 10), dates.DAY), "9–10 November 2020"),
        ((dt.date(2020, 9, 27), dates.DAY, dt.date(2020, 11, 10), dates.DAY), "27 September – 10 November 2020"),
        ((dt.date(2022, 12, 12), dates.DAY, dt.date(2023, 9, 18), dates.DAY), "12 December 2022 – 18 September 2023"),
        ((dt.date(2002, 1, 1), dates.YEAR, None, None), "2002"),
    ],
)
def test_date_ranges_render_compactly(args, label):
    assert dates.format_fuzzy_range(*args) == label


@pytest.mark.parametrize(
    ("value", "precision", "bounds"),
    [
        (dt.date(2023, 9, 19), dates.DAY, (dt.date(2023, 9, 19), dt.date(2023, 9, 19))),
        (dt.date(2024, 2, 1), dates.MONTH, (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        (dt.date(2023, 6, 1), dates.SEASON, (dt.date(2023, 6, 1), dt.date(2023, 8, 31))),
        (dt.date(2022, 12, 1), dates.SEASON, (dt.date(2022, 12, 1), dt.date(2023, 2, 28))),
        (dt.date(2002, 1, 1), dates.YEAR, (dt.date(2002, 1, 1), dt.date(2002, 12, 31))),
        (dt.date(2023, 9, 19), dates.APPROXIMATE, (dt.date(2023, 9, 4), dt.date(2023, 10, 4))),
    ],
)
def test_a_date_covers_the_whole_period_of_its_precision(value, precision, bounds):
    assert dates.period_bounds(value, precision) == bounds


@pytest.mark.parametrize(
    ("value", "precision", "message"),
    [
        (dt.date(2022, 8, 17), dates.MONTH, "1st of the month"),
        (dt.date(2023, 7, 1), dates.SEASON, "first day of its season"),
        (dt.date(2020, 3, 1), dates.YEAR, "1 January"),
        (dt.date(2020, 3, 1), "fortnight", "unknown precision 'fortnight'"),
    ],
)
def test_a_date_that_does_not_fit_its_precision_is_refused(value, precision, message):
    with pytest.raises(dates.PrecisionError, match=message):
        dates.check_fits(value, precision)


def test_the_cameo_codebook_keeps_commas_in_labels_and_knows_roots():
    entries = parse_cameo(
        "02,APPEAL\n0256,Appeal for de-escalation\n08,YIELD\n0871,Declare truce, ceasefire\n", source="c"
    )
    assert [(e.code, e.label, e.root) for e in entries][-1] == ("0871", "Declare truce, ceasefire", "08")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("02,APPEAL\n02,APPEAL again\n", "c:2: code 02 appears twice"),
        ("0256,Appeal\n", "c:1: code 0256 comes before its root 02"),
        ("2X,Bad\n", "c:1: '2X' is not a CAMEO code"),
        ("02\n", "c:1: expected 'code,label'"),
        ("\n", "c:1: the codebook is empty"),
    ],
)
def test_a_bad_codebook_line_is_reported(text, message):
    with pytest.raises(ParseError, match=message):
        parse_cameo(text, source="c")


# Reading the file: what it is, where it leads and how big it is, before the bytes -------------


def refused(path, **options) -> str:
    with pytest.raises(ParseError) as error:
        read_seed(path, **options)
    return str(error.value)


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.write(b"Headline\n\n")
        for _ in range(50):
            file.write(b"word " * 200_000 + b"\n\n")  # 50 paragraphs of 1 MB: 50 MB of text
    tracemalloc.start()
    try:
        message = refused(huge, max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message == f"{huge}: the file is 50,000,110 bytes; the limit is 1,000,000 bytes"
    assert peak < 100_000, f"{peak:,} bytes allocated to refuse a 50 MB file"


def test_a_file_at_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert read_seed(path, max_bytes=100) == b"x" * 100


def test_a_device_or_pipe_is_refused_without_reading_or_waiting(tmp_path):
    # /dev/zero never ends; a named pipe without a writer would block a plain open().
    assert refused(Path("/dev/zero")) == "/dev/zero: not a regular file (a device, pipe or socket)"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert refused(fifo).endswith("not a regular file (a device, pipe or socket)")


def test_a_folder_where_a_file_is_expected_is_refused(tmp_path):
    (tmp_path / "sub.txt").mkdir()
    assert refused(tmp_path / "sub.txt") == f"{tmp_path / 'sub.txt'}: a folder, not a file"


def test_a_missing_file_and_a_dangling_link_are_refused(tmp_path):
    assert refused(tmp_path / "none.txt").endswith("none.txt: no such file (a symbolic link to nothing?)")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    assert refused(tmp_path / "dangling.txt", within=tmp_path).endswith("no such file (a symbolic link to nothing?)")


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    for name in ("a.txt", "self.txt"):
        loop = "a symbolic link loop (too many levels of symbolic links)"
        assert refused(tmp_path / name) == f"{tmp_path / name}: {loop}"
        assert refused(tmp_path / name, within=tmp_path) == f"{tmp_path / name}: {loop}"


def test_a_symlink_out_of_its_folder_is_refused_and_one_inside_it_is_read(tmp_path):
    folder, outside = tmp_path / "seeds", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_bytes(b"Headline\n\nBody.")
    (folder / "out.txt").symlink_to(outside)
    (folder / "real.txt").write_bytes(b"Headline\n\nBody.")
    (folder / "alias.txt").symlink_to("real.txt")
    assert refused(folder / "out.txt", within=folder) == (
        f"{folder / 'out.txt'}: a symbolic link to {outside}, outside the folder {folder}: refused"
    )
    assert read_seed(folder / "alias.txt", within=folder) == b"Headline\n\nBody."
    # Named on its own (no folder to stay in), the link is followed: the user chose that file.
    assert read_seed(folder / "out.txt") == b"Headline\n\nBody."


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_bytes(b"Headline\n\nBody.")
    path.chmod(0)
    assert refused(path) == f"{path}: cannot read the file: permission denied"
