"""Import articles from where analysts read them: saved web pages, links and feeds.

    python manage.py import_articles page.html other.htm          # saved pages
    python manage.py import_articles https://example.org/story    # a link: the page is fetched
    python manage.py import_articles https://example.org/rss.xml  # a feed: each entry's page
    python manage.py import_articles saved-feed.xml               # a feed saved as a file

The same pipeline as import_seeds (which it extends): the fixtures and the knowledge base
first (insert-only), then each article in its own transaction, drafted the same way; seed
text files (.txt) are accepted too. A page's main text, title, date, site name, canonical
URL and language come from the page (events/ingest/webpage.py), its outlet from its domain
or site name. Pages are fetched before anything is written (events/ingest/fetch.py: public
addresses only, timeouts, a size cap, the content type checked, redirects bounded); a URL
that cannot be fetched or is not an article is reported with the reason, stores nothing, and
makes the command exit non-zero, like a bad file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from events.ingest.fetch import Fetched, FetchError, feed_links, fetch, is_feed_name, looks_like_url, source_ref_for
from events.ingest.parser import read_seed
from events.ingest.records import ParseError
from events.management.commands import import_seeds


class Command(import_seeds.Command):
    help = "Import saved web pages (.html), links (URLs) and RSS/Atom feeds (files or URLs) as articles."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "paths":
                action.help = "saved pages (.html, .htm), feeds (.xml, .rss, .atom), seed texts (.txt), or http(s) URLs"
            if action.dest == "max_bytes":
                action.default = settings.PAGE_MAX_BYTES
                action.help = f"largest page or file accepted, in bytes (default {settings.PAGE_MAX_BYTES:,})"

    def handle(self, *args, **options):
        if not options["paths"] and not options["fixtures_only"]:
            raise CommandError("give the pages, feeds or URLs to import (import_seeds imports the seeds/ folder)")
        self._fetched: dict[str, Fetched] = {}
        self._unfetched: list[str] = []
        self._max_bytes = options["max_bytes"]
        self.verbosity = options["verbosity"]
        try:
            super().handle(*args, **options)
        except CommandError as error:
            if self._unfetched:
                raise CommandError(
                    f"{error}; and {len(self._unfetched)} address(es) not fetched: {', '.join(self._unfetched)}"
                ) from error
            raise
        if self._unfetched:
            raise CommandError(f"{len(self._unfetched)} address(es) not fetched: {', '.join(self._unfetched)}")

    def _seed_files(self, paths, *, follow_links=False):
        """Files as import_seeds takes them; URLs and feeds fetched now, before anything is written."""
        files, plain = [], []
        for value in paths:
            if looks_like_url(value):
                files += self._from_url(value)
            elif is_feed_name(value) and Path(value).is_file():
                files += self._from_feed_file(Path(value))
            else:
                plain.append(value)
        return (super()._seed_files(plain, follow_links=follow_links) if plain else []) + files

    def _jobs(self, files, options):
        for job in super()._jobs(files, options):
            fetched = self._fetched.get(job.path.name)
            yield job if fetched is None else replace(job, data=fetched.data, url=fetched.url)

    def _from_url(self, url: str, *, feed_allowed: bool = True) -> list[tuple[Path, None]]:
        try:
            fetched = fetch(
                url,
                max_bytes=self._max_bytes,
                timeout=settings.ARTICLE_FETCH_TIMEOUT,
                deadline=3 * settings.ARTICLE_FETCH_TIMEOUT,
                allow_networks=settings.ARTICLE_FETCH_ALLOW_NETWORKS,
            )
        except FetchError as error:
            self._fail(url, str(error))
            return []
        if fetched.is_feed:
            if not feed_allowed:
                self._fail(url, f"{url}: a feed entry that links to another feed: not followed")
                return []
            return self._from_feed(fetched.data, source=url)
        ref = source_ref_for(url)
        self._fetched[ref] = fetched
        return [(Path(ref), None)]

    def _from_feed_file(self, path: Path) -> list[tuple[Path, None]]:
        try:
            data = read_seed(path, max_bytes=self._max_bytes)
        except ParseError as error:
            self._fail(str(path), str(error))
            return []
        return self._from_feed(data, source=str(path))

    def _from_feed(self, data: bytes, *, source: str) -> list[tuple[Path, None]]:
        try:
            links = feed_links(data, source=source)
        except ParseError as error:
            self._fail(source, str(error))
            return []
        if self.verbosity >= 1:
            self.stdout.write(f"{source}: a feed of {len(links)} page(s)")
        return [item for link in links for item in self._from_url(link, feed_allowed=False)]

    def _fail(self, what: str, message: str) -> None:
        self._unfetched.append(what)
        self.stderr.write(self.style.ERROR(message))
