"""Read, parse and extract seed files ahead of the importer, optionally in worker processes.

An import spends about half its time per file extracting (pure Python, bound by the CPU)
and half writing to the database (bench/RESULTS.md). `prepare_files` does the first half:
in the importing process (`workers=0`), or in worker processes that run ahead of it, so
that extraction and writing overlap on a machine with more than one core. Either way the
files come back in the order given, and the same `prepare` runs on each.

The workers are started by a fork server (a clean process without the importer's
threads or database connections), never touch the database, and build their own
gazetteer from the same entries. Each has a few files in hand at most, so memory stays
flat however many files there are.

Whether a file gets drafted, and from which publication date, is the importer's call: it
knows what the database holds. A job carries the importer's prediction (`Stored`: what it
read about the article before the run), `prepare` extracts only what will be drafted, and
the importer checks the extraction's date against the article's before it uses it (and
extracts again in its own process in the rare case the two differ).
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path

from events.ingest.extract import extract_article
from events.ingest.gazetteer import Gazetteer
from events.ingest.parser import decode_seed, parse_article, read_seed
from events.ingest.records import Extraction, ParsedArticle, ParseError

# (actor_key, canonical name, kind, aliases): what Gazetteer.from_entries takes.
# (key, name, kind, aliases) or with a fifth item, a mapping of extras (Gazetteer.from_entries).
GazetteerEntry = tuple[str, str, str, Sequence[str]] | tuple[str, str, str, Sequence[str], dict]


class GazetteerSource:
    """The gazetteer's entries, and the gazetteer built from them on first use: a worker gets
    the entries (plain data, cheap to send) and builds its own."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries = list(entries)

    @functools.cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.from_entries(self.entries)


@dataclass(frozen=True)
class Stored:
    """What the database held about a file's article when the import began."""

    sha256: str
    published_on: dt.date | None
    drafted: bool


@dataclass(frozen=True)
class Job:
    path: Path
    within: Path | None = None  # the folder the file was found in (a link out of it is refused)
    stored: Stored | None = None  # None: no article of this name yet
    published_on: dt.date | None = None  # for an article with no date of its own (--published)
    redraft: bool = False


@dataclass(frozen=True)
class Prepared:
    """A file read and parsed, with its extraction when it is expected to be drafted; or why it could not be read.

    The extraction has its statements and proposed actors, what drafting uses; its mentions
    and date phrases are left out.
    """

    path: Path
    parsed: ParsedArticle | None = None
    extraction: Extraction | None = None
    error: str = ""


def expected_draft_date(job: Job, sha256: str) -> tuple[bool, dt.date | None]:
    """(whether the article will be drafted, the publication date it will have), as the importer
    decides them: a new or changed text is drafted, an unchanged one only if it never was or
    with --redraft; an article keeps its own date, and a new or changed one without takes --published.
    """
    stored = job.stored
    if stored is None:
        return True, job.published_on
    if stored.sha256 == sha256:
        return job.redraft or not stored.drafted, stored.published_on
    return True, stored.published_on or job.published_on


def prepare(job: Job, *, max_bytes: int, gazetteer: Gazetteer | None) -> Prepared:
    """Read and parse one file; extract it too (given a gazetteer) when it is expected to be drafted.

    A file that cannot be read or parsed gives its error as text (ParseError's message):
    the result may cross a process boundary, and an exception would not pickle back intact.
    """
    source = str(job.path)
    try:
        data = read_seed(job.path, max_bytes=max_bytes, within=job.within)
        parsed = parse_article(decode_seed(data, source=source, max_bytes=max_bytes), source=source)
    except ParseError as error:
        return Prepared(job.path, error=str(error))
    extraction = None
    if gazetteer is not None:
        drafted, published_on = expected_draft_date(job, parsed.sha256)
        if drafted:
            # Every quotation is drafted, one without a speaker too (dated and coded as the others).
            extraction = extract_article(parsed, gazetteer, published_on)
            # The importer reads the mentions only for the candidates of a speaker-needed draft, and
            # never the date phrases or titles' actors: most of what a worker would send back.
            needed = any(statement.speaker is None for statement in extraction.statements)
            extraction = replace(
                extraction, mentions=extraction.mentions if needed else (), dates=(), title_mentions=()
            )
    return Prepared(job.path, parsed, extraction)


def prepare_files(
    jobs: Iterable[Job],
    *,
    max_bytes: int,
    source: GazetteerSource | None,
    workers: int = 0,
    ahead: int = 4,
) -> Iterator[Prepared]:
    """`prepare` each job, in order; with the help of `workers` processes when it is more than 0.

    `source` gives the gazetteer (None: extract nothing). Each worker has `ahead` jobs at
    most in hand. When the next file's result is not back yet, the caller prepares a later
    file itself meanwhile, rather than wait: which side is slower depends on the database
    (into a small one, writing a file took 1.8 ms and preparing it 2.6 ms; into the 10^5
    SQLite corpus the writing is the slower), and this keeps both busy either way.

    Closing the iterator early (the importer failing) stops the workers at once. Each worker
    has a pipe for its jobs and one for its results, read by the caller's own thread: a
    concurrent.futures pool unpickles results in a thread of its own, which took the
    interpreter lock from the importer for up to 5 ms at a time (2 s of a 10 s import).
    """

    def here(job: Job) -> Prepared:
        return prepare(job, max_bytes=max_bytes, gazetteer=source.gazetteer if source is not None else None)

    if workers <= 0:
        yield from map(here, jobs)
        return
    context = multiprocessing.get_context("forkserver")
    # The fork server imports this module (and the extractor) once; each worker is a fork of it.
    context.set_forkserver_preload([__name__])
    entries = source.entries if source is not None else None
    started: list[_Worker] = []
    finished = False
    try:
        for _ in range(workers):
            job_out, job_in = context.Pipe(duplex=False)
            result_out, result_in = context.Pipe(duplex=False)
            process = context.Process(
                target=_work, args=(job_out, result_in, entries, max_bytes), name="conflictdb-import-reader"
            )
            process.daemon = True  # never outlives the importer
            process.start()
            job_out.close()
            result_in.close()
            started.append(_Worker(process, job_in, result_out))
        queue = enumerate(jobs)
        owner: dict[int, _Worker] = {}  # the position of each job in a worker's hands
        done_here: dict[int, Prepared] = {}  # later files this process prepared while it waited
        position = 0
        while True:
            for worker in started:
                while len(worker.in_hand) < max(ahead, 1) and (item := next(queue, None)) is not None:
                    worker.give(*item)
                    owner[item[0]] = worker
            if position in done_here:
                yield done_here.pop(position)
            elif position in owner:
                worker = owner.pop(position)
                while not worker.results.poll() and (item := next(queue, None)) is not None:
                    done_here[item[0]] = here(item[1])
                yield worker.receive()
            else:
                break  # every job is done
            position += 1
        finished = True
    finally:
        for worker in started:
            worker.stop(wait=finished)


@dataclass(frozen=True)
class _Failed:
    """What a worker sends back when preparing a file raised (a bug, not a bad file)."""

    path: Path
    traceback: str


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    jobs: Connection
    results: Connection
    in_hand: deque[int] = field(default_factory=deque)  # positions of the jobs sent, in order

    def give(self, position: int, job: Job) -> None:
        self.jobs.send(job)
        self.in_hand.append(position)

    def receive(self) -> Prepared:
        """The result of the job given first of those in hand."""
        self.in_hand.popleft()
        try:
            result = self.results.recv()
        except EOFError:
            self.process.join(5)
            raise RuntimeError(
                f"the process reading files ahead of the import stopped (exit code {self.process.exitcode})"
            ) from None
        if isinstance(result, _Failed):
            raise RuntimeError(f"{result.path}: preparing the file failed in a worker process:\n{result.traceback}")
        return result

    def stop(self, *, wait: bool) -> None:
        """Let the worker finish (all its results were read), or stop it at once (they were not)."""
        if wait:
            try:
                self.jobs.send(None)
            except OSError:  # it has stopped already
                pass
            self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.jobs.close()
        self.results.close()


def _work(jobs: Connection, results: Connection, entries: list[GazetteerEntry] | None, max_bytes: int) -> None:
    """A worker's loop: prepare each job received, until there are no more."""
    gazetteer = Gazetteer.from_entries(entries) if entries is not None else None
    while (job := _next_job(jobs)) is not None:
        try:
            prepared = prepare(job, max_bytes=max_bytes, gazetteer=gazetteer)
        except Exception:
            prepared = _Failed(job.path, traceback.format_exc())
        results.send(prepared)


def _next_job(jobs: Connection) -> Job | None:
    """The next job; None when there are no more, or when the importer is gone (its end of the pipe closed)."""
    try:
        return jobs.recv()
    except EOFError:
        return None
