"""The import pipeline (events/ingest/pipeline.py) on files written here: no database.

Worker processes must give exactly what the importing process gives, in the order given,
whatever fails to read; and a file is extracted only when the importer will draft it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import time

import pytest

from events.ingest.extract import extract_article
from events.ingest.parser import parse_article
from events.ingest.pipeline import GazetteerSource, Job, Stored, expected_draft_date, prepare, prepare_files

SOURCE = GazetteerSource(
    [
        ("anna-petrosyan", "Anna Petrosyan", "person", []),
        ("ruben-aliyev", "Ruben Aliyev", "person", []),
        ("armenia", "Armenia", "state", ["Yerevan"]),
        ("azerbaijan", "Azerbaijan", "state", ["Baku"]),
    ]
)
MAY = dt.date(2023, 5, 12)


def article(n: int) -> str:
    """A short article with two attributed quotations, different for each n."""
    return (
        f"Talks round {n} end\n\n"
        f"Anna Petrosyan said on Tuesday that “round {n} brought nothing new for Yerevan.”\n\n"
        f"“We reject the demand of round {n},” Ruben Aliyev told reporters in Baku.\n\n"
        "Officials did not comment further."
    )


@pytest.fixture
def files(tmp_path):
    """Twelve files: good articles, an empty one and a binary one among them."""
    paths = []
    for n in range(12):
        path = tmp_path / f"article_{n:02}.txt"
        if n == 4:
            path.write_bytes(b"")
        elif n == 7:
            path.write_bytes(b"Headline\n\nA body with a NUL \x00 byte.")
        else:
            path.write_text(article(n), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_worker_prepares_the_same_as_the_importing_process_in_the_same_order(files):
    jobs = [Job(path, published_on=MAY) for path in files]
    here = list(prepare_files(jobs, max_bytes=10_000, source=SOURCE, workers=0))
    # Two workers, and fewer files in flight than files, so results come back out of order
    # and are queued: the order must still be the jobs' own.
    there = list(prepare_files(jobs, max_bytes=10_000, source=SOURCE, workers=2, ahead=3))
    assert [p.path for p in there] == files
    assert there == here
    assert not multiprocessing.active_children(), "the workers were let go"
    good = [p for p in there if not p.error]
    assert len(good) == 10
    for prepared in good:
        assert prepared.extraction.published_on == MAY
        assert [s.speaker.actor_key for s in prepared.extraction.statements] == ["anna-petrosyan", "ruben-aliyev"]
        # "on Tuesday" before a Friday publication date: the Tuesday of that week.
        assert prepared.extraction.statements[0].date == dt.date(2023, 5, 9)


def test_a_file_that_cannot_be_read_comes_back_as_its_error_naming_it(files):
    prepared = list(prepare_files([Job(files[4]), Job(files[7])], max_bytes=10_000, source=SOURCE, workers=1))
    assert [p.parsed for p in prepared] == [None, None]
    assert prepared[0].error == f"{files[4]}: the file is empty"
    assert prepared[1].error == f"{files[7]}:3: binary file: NUL byte at byte 28"


def test_a_missing_file_and_a_file_over_the_limit_are_errors_too(tmp_path, files):
    prepared = list(prepare_files([Job(tmp_path / "gone.txt"), Job(files[0])], max_bytes=50, source=SOURCE, workers=1))
    assert "gone.txt" in prepared[0].error and "no such file" in prepared[0].error.lower()
    assert prepared[1].error.startswith(f"{files[0]}:") and "50" in prepared[1].error


def test_without_a_gazetteer_files_are_parsed_and_not_extracted(files):
    prepared = list(prepare_files([Job(files[0])], max_bytes=10_000, source=None, workers=1))
    assert prepared[0].parsed.headline_text == "Talks round 0 end"
    assert prepared[0].extraction is None


def test_stopping_early_stops_the_workers_without_waiting_for_the_queue(files):
    jobs = [Job(path) for path in files * 20]
    pipeline = prepare_files(jobs, max_bytes=10_000, source=SOURCE, workers=1, ahead=4)
    first = next(pipeline)
    started = time.perf_counter()
    pipeline.close()
    assert time.perf_counter() - started < 5
    assert not multiprocessing.active_children(), "the workers were stopped"
    assert first.path == files[0]
    with pytest.raises(StopIteration):
        next(pipeline)


def test_extraction_is_skipped_only_for_a_text_drafted_before(files):
    parsed = parse_article(article(0), source="x")
    stored = Stored(parsed.sha256, MAY, drafted=True)
    unchanged = prepare(Job(files[0], stored=stored), max_bytes=10_000, gazetteer=SOURCE.gazetteer)
    assert unchanged.parsed.sha256 == parsed.sha256
    assert unchanged.extraction is None
    changed = prepare(Job(files[1], stored=stored), max_bytes=10_000, gazetteer=SOURCE.gazetteer)
    assert len(changed.extraction.statements) == 2
    redraft = prepare(Job(files[0], stored=stored, redraft=True), max_bytes=10_000, gazetteer=SOURCE.gazetteer)
    full = extract_article(redraft.parsed, SOURCE.gazetteer, MAY, detail_unattributed=False)
    # What drafting uses, without the mentions and date phrases it does not.
    assert redraft.extraction == dataclasses.replace(full, mentions=(), dates=())
    assert full.mentions and full.dates


@pytest.mark.parametrize(
    ("stored", "redraft", "expected"),
    [
        (None, False, (True, MAY)),  # a new article takes --published
        (Stored("same", None, drafted=True), False, (False, None)),  # unchanged, drafted before
        (Stored("same", None, drafted=False), False, (True, None)),  # unchanged, never drafted: keeps no date
        (Stored("same", dt.date(2020, 1, 2), drafted=True), True, (True, dt.date(2020, 1, 2))),  # --redraft
        (Stored("old", None, drafted=True), False, (True, MAY)),  # changed and undated: takes --published
        (Stored("old", dt.date(2020, 1, 2), drafted=True), False, (True, dt.date(2020, 1, 2))),  # keeps its own
    ],
)
def test_the_expected_draft_and_date_follow_the_importers_rules(tmp_path, stored, redraft, expected):
    job = Job(tmp_path / "a.txt", stored=stored, published_on=MAY, redraft=redraft)
    assert expected_draft_date(job, "same") == expected


def test_a_worker_that_fails_on_a_file_says_which_and_why(files, monkeypatch):
    # A bug, not a bad file: the worker's traceback is raised in the importing process.
    jobs = [Job(files[0]), Job(files[1], published_on="not a date")]
    pipeline = prepare_files(jobs, max_bytes=10_000, source=SOURCE, workers=1)
    assert next(pipeline).path == files[0]
    with pytest.raises(RuntimeError, match=r"article_01\.txt: preparing the file failed in a worker process:\n"):
        next(pipeline)


def test_a_worker_whose_importer_is_gone_stops_after_the_jobs_it_was_sent(files):
    from events.ingest.pipeline import _work

    job_out, job_in = multiprocessing.Pipe(duplex=False)
    result_out, result_in = multiprocessing.Pipe(duplex=False)
    job_in.send(Job(files[0]))
    job_in.close()  # no None to say the jobs are over: the importer died
    _work(job_out, result_in, SOURCE.entries, 10_000)  # returns instead of raising EOFError
    assert result_out.recv().parsed.headline_text == "Talks round 0 end"
    assert not result_out.poll()


def test_while_a_worker_is_busy_the_importing_process_prepares_later_files_itself(files, monkeypatch):
    from events.ingest import pipeline

    here = []
    prepare_here = pipeline.prepare
    monkeypatch.setattr(pipeline, "prepare", lambda job, **kw: here.append(job.path) or prepare_here(job, **kw))
    jobs = [Job(path, published_on=MAY) for path in files * 4]
    done = list(prepare_files(jobs, max_bytes=10_000, source=SOURCE, workers=1, ahead=2))
    assert [p.path for p in done] == [job.path for job in jobs]
    assert done == [prepare_here(job, max_bytes=10_000, gazetteer=SOURCE.gazetteer) for job in jobs]
    # The worker's start (a fork, its gazetteer) outlasts preparing a file here, so this process
    # prepared some; the worker had the first two in hand before that.
    assert 1 <= len(here) <= len(jobs) - 2
