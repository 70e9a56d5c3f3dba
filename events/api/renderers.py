"""Export formats of the lists and the timeline: CSV, TimelineJS JSON and iCalendar.

`?format=csv|timelinejs|ics` (or the media type in `Accept`) on a list endpoint or
/api/timeline/ exports every filtered row, up to settings.EXPORT_MAX_ROWS, instead of one page;
`?format=json` does the same as a JSON array (events/api/exports.py). The renderers
only format rows the views have serialized, so an export holds exactly what the list
holds: an event or statement row is its list representation, a timeline row is
`{"kind", "id", "date_from", "event", "statement"}`.

- CSV: ACLED-style columns first (event_date, time_precision, event_type, actor1,
  actor2, location, latitude, longitude, geo_precision, source, notes, fatalities), then ours
  (the place of an event's most precise placing last: exports.with_places), the same columns for events,
  statements and the timeline; other lists get one column per field. Streamed row by row
  (`stream()`), and every text cell that a spreadsheet would run as a formula (starting
  with = + - @, a tab or a carriage return) is prefixed with an apostrophe. The columns of
  events and statements are one table (`_CSV_COLUMNS`), compiled over the serialized records
  and over the rows a list's export reads (exports.csv_rows: the CSV written from the rows,
  without the records' dicts); both give the same bytes.
- TimelineJS: Knight Lab's JSON (https://timeline.knightlab.com/docs/json-format.html):
  `events` with start/end dates at the precision the date has (a year-precision date
  gives only `year`), HTML-escaped `text.headline`/`text.text`, `group` = the escalation,
  `eras` = the escalations. Undated statements are left out (a slide needs a date).
  TimelineJS 3 has no place field: an event's slide says its place (name, precision,
  coordinates) in its text, after the free-text location.
- iCalendar: one all-day VEVENT per event or dated statement, built with `icalendar`;
  DTSTART and DTEND are dates, DTEND exclusive, covering the whole period the dates'
  precisions allow (August 2022 is 1 August to 1 September). An event with a place has
  its name as LOCATION and its coordinates as GEO (the free-text location then goes in the
  description); one without keeps the free text as LOCATION.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from html import escape
from itertools import islice

import icalendar
from django.conf import settings
from rest_framework import renderers

from events.ingest import dates as fuzzy


def export_max_rows() -> int:
    """The most rows one export holds (settings.EXPORT_MAX_ROWS, env EXPORT_MAX_ROWS); a larger
    selection is cut there and the response says so (X-Export-Truncated: true). Narrow the
    filters, or page through the JSON list, for more."""
    return settings.EXPORT_MAX_ROWS


EVENT, STATEMENT = "event", "statement"

# ACLED's time_precision: 1 the day is known, 2 within a few days, 3 only the month or longer.
ACLED_TIME_PRECISION = {fuzzy.DAY: 1, fuzzy.APPROXIMATE: 2, fuzzy.MONTH: 3, fuzzy.SEASON: 3, fuzzy.YEAR: 3}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def unwrap(row: dict, resource: str) -> tuple[str, dict]:
    """(kind, record) of an exported row: an event, a statement, or a timeline item holding one."""
    if resource == "timeline":
        return row["kind"], row[row["kind"]]
    return resource, row


def _distinct(values: Iterable[str]) -> str:
    if values.__class__ is list and len(values) == 1:
        # Most events have one source.
        return values[0] or ""
    return "; ".join(dict.fromkeys(value for value in values if value))


# CSV -------------------------------------------------------------------------------------------


#: The CSV's columns of an event and of a statement, in the header's order: {column: Python source
#: of its value}. ACLED's names first, in ACLED's order, where the concept exists here; then ours.
#: `{a.b}` is the record's field `a`'s field `b` as the API serializes the record (None when a
#: relation on the way is null: the CSV writes None as an empty cell); `{place.name}` the event's
#: best place (exports.with_places); `{sources:article.url,article.source_ref}` the list of a
#: to-many relation's (url, reference) tuples, in the list's order. `_CSV_LETS` are computed once
#: per row before the columns. The table is compiled into one function per kind over the
#: serializers' dicts (csv_line()) and one over the rows an export reads (csv_row_line()): the
#: columns are defined here only, and what an export reads of a record (CSV_FIELDS) is derived
#: from them.
_CSV_COLUMNS = {
    EVENT: {
        "event_date": "{start_date}",
        "time_precision": "_ACLED.get({start_precision}, 3)",
        "event_type": "{type.label}",
        # The participants: the initiators, the targets, the others with their role.
        "actor1": "actors[0]",
        "actor2": "actors[1]",
        "location": "{location}",
        # The place of the event's most precise placing (issue 17): its coordinates and ACLED's
        # geo-precision (1-3) here, its name in the last column.
        "latitude": "{place.latitude}",
        "longitude": "{place.longitude}",
        "geo_precision": "{place.geo_precision}",
        "source": "_distinct([article[0] for article in articles])",
        "notes": "{summary} or {title}",
        "fatalities": "{fatalities}",
        "kind": repr(EVENT),
        "id": "{id}",
        "key": "{slug}",
        "date_precision": "{start_precision}",
        "date_label": "{date_label}",
        "end_date": "{end_date}",
        "end_precision": "{end_precision}",
        "cameo_code": "{type.code}",
        "other_actors": "actors[2]",
        "title": "{title}",
        "quote": "''",
        "escalation": "{escalation.slug}",
        "review_status": "{review_status}",
        "source_articles": "_distinct([article[1] for article in articles])",
        "source_urls": "_distinct([article[2] for article in articles])",
        # The event's fatality range over its sources (UCDP's low and high beside ACLED's one
        # count), and how many sources report it (issue 16).
        "fatalities_low": "{fatalities_low}",
        "fatalities_high": "{fatalities_high}",
        "source_count": "len(articles)",
        "place": "{place.name}",
    },
    STATEMENT: {
        "event_date": "{said_on}",
        "time_precision": "_ACLED.get({said_on_precision}, 3) if {said_on} else None",
        "event_type": "{cameo.label}",
        "actor1": "{speaker.name}",
        "actor2": "'; '.join([target[0] for target in {targets:name}])",
        "location": "''",
        "latitude": "None",
        "longitude": "None",
        "geo_precision": "None",
        "source": "{article.outlet.name}",
        "notes": "{summary} or {quote}",
        "fatalities": "None",
        "kind": repr(STATEMENT),
        "id": "{id}",
        "key": "{ref}",
        "date_precision": "{said_on_precision} if {said_on} else ''",
        "date_label": "{date_label}",
        "end_date": "None",
        "end_precision": "''",
        "cameo_code": "{cameo.code}",
        "other_actors": "''",
        "title": "{summary}",
        "quote": "{quote}",
        "escalation": "{escalation.slug}",
        "review_status": "{review_status}",
        "source_articles": "{article.source_ref}",
        "source_urls": "{article.url}",
        "fatalities_low": "None",
        "fatalities_high": "None",
        "source_count": "1",
        "place": "''",
    },
}
_CSV_LETS = {
    EVENT: {
        "actors": "_actors({participants:role,actor.name})",
        "articles": "{sources:article.outlet.name,article.source_ref,article.url}",
    },
    STATEMENT: {},
}

#: The CSV's header of events, statements and the timeline.
TIMELINE_COLUMNS = tuple(_CSV_COLUMNS[EVENT])
assert tuple(_CSV_COLUMNS[STATEMENT]) == TIMELINE_COLUMNS, "an event's and a statement's columns differ"

#: A field of the record in the table: `{path}` or `{relation:path,path}`.
_FIELD = re.compile(r"\{(\w+(?:\.\w+)*)(?::(\w+(?:\.\w+)*(?:,\w+(?:\.\w+)*)*))?\}")
#: The event's best place: not a field of the serializer, exports.with_places adds it.
PLACE = "place"


def _read_fields(kind: str) -> dict:
    """CSV_FIELDS[kind]: the fields of the record the table reads, {name: its nested ones or None}."""
    fields: dict = {}

    def add(path: list[str]) -> None:
        level = fields
        for name in path[:-1]:
            if level.get(name) is None:
                level[name] = {}
            level = level[name]
        level.setdefault(path[-1], None)

    for source in (*_CSV_COLUMNS[kind].values(), *_CSV_LETS[kind].values()):
        for path, children in _FIELD.findall(source):
            if path == PLACE or path.startswith(PLACE + "."):
                continue
            if children:
                for child in children.split(","):
                    add([path, *child.split(".")])
            else:
                add(path.split("."))
    return fields


#: The fields of an event's and a statement's record that the CSV reads ({name: its nested fields,
#: None for all}): a CSV export reads only these (events/api/rows.py, `only`).
CSV_FIELDS = {kind: _read_fields(kind) for kind in (EVENT, STATEMENT)}


def csv_fields(renderer, kind: str) -> dict | None:
    """What an export of `kind` rows (an event or a statement) needs of each record: CSV_FIELDS for
    the CSV, None (everything) for the other formats."""
    return CSV_FIELDS[kind] if isinstance(renderer, CSVRenderer) else None


def _actors(participants: Iterable[tuple[str, str]]) -> tuple[str, str, str]:
    """The initiators', the targets' and the others' names (with their role) of (role, name) pairs."""
    initiators, targets, others = [], [], []
    for role, name in participants:
        if role == "initiator":
            initiators.append(name)
        elif role == "target":
            targets.append(name)
        else:
            others.append(f"{name} ({role})")
    return "; ".join(initiators), "; ".join(targets), "; ".join(others)


def _dig(value, *keys):
    """value[key][key]…, None from the first None on (a null relation)."""
    for key in keys:
        if value is None:
            return None
        value = value[key]
    return value


def _code(kind: str, value, many, text: bool) -> str:
    """Python source of a function body computing the CSV's values of `kind` (a list display,
    preceded by the lets); `value(path)` and `many(relation, paths)` give a field's source. `text`:
    each cell is checked as csv_cells() checks it, and is the text csv.writer writes for it
    (cell_text())."""

    def fields(source: str) -> str:
        def field(match: re.Match) -> str:
            path, children = match.group(1), match.group(2)
            if children:
                return many(path, [tuple(child.split(".")) for child in children.split(",")])
            return value(tuple(path.split(".")))

        return _FIELD.sub(field, source)

    lines = [f"    {name} = {fields(source)}\n" for name, source in _CSV_LETS[kind].items()]
    cells = []
    for source in _CSV_COLUMNS[kind].values():
        cell = f"({fields(source)})"
        try:
            constant = ast.literal_eval(cell)
        except (ValueError, SyntaxError):
            pass
        else:
            # The same for every row ("", None, the kind): checked once, here.
            cells.append(repr(cell_text(constant) if text else constant))
            continue
        if text:
            # cell_text(), with the common cells (text, None, integers) inline.
            cell = (
                f'(("\'" + c if c[:1] in _FORMULA_FIRST else c) if (c := {cell}).__class__ is str '
                'else "" if c is None else str(c) if c.__class__ is int else _text(c))'
            )
        cells.append(cell)
    return "".join(lines) + "    return [" + ", ".join(cells) + "]\n"


def _helpers() -> dict:
    """The names the table's sources and _code() use."""
    return {
        "_ACLED": ACLED_TIME_PRECISION,
        "_actors": _actors,
        "_distinct": _distinct,
        "_dig": _dig,
        "_text": cell_text,
        "_FORMULA_FIRST": _FORMULA_FIRST,
    }


@cache
def csv_line(kind: str) -> Callable[[dict], list]:
    """The CSV's values (not yet checked: csv_cells()) of an event's or a statement's record, as
    the API serializes it, in TIMELINE_COLUMNS' order."""

    def value(path: tuple) -> str:
        if path[0] == PLACE:
            return f"_dig(record.get({PLACE!r}), {', '.join(map(repr, path[1:]))})"
        return f"_dig(record, {', '.join(map(repr, path))})"

    def many(relation: str, paths: list[tuple]) -> str:
        picked = ", ".join(f"_dig(child, {', '.join(map(repr, path))})" for path in paths)
        return f"[({picked},) for child in record[{relation!r}]]"

    code = "def line(record):\n" + _code(kind, value, many, text=False)
    namespace = _helpers()
    # Our own code, generated from the table above.
    exec(compile(code, f"<{kind} CSV>", "exec"), namespace)  # noqa: S102
    return namespace["line"]


def csv_row_line(kind: str, reader) -> tuple[Callable, list] | None:
    """The CSV's cells (checked as csv_cells() checks them) of a row an export reads with `reader`
    (events/api/rows.py: its `fields`' reads), without the record's dict: (line(row, many, place),
    [(relation, pick)]), `many` holding each relation's {parent id: [pick(child row)]} (ToMany.grouped),
    `place` the event's best place or None; None when the reader does not hold a field the table reads."""
    relations: list = []

    def value(path: tuple) -> str:
        if path[0] == PLACE:
            (key,) = path[1:]
            return f"(None if place is None else place[{key!r}])"
        return reader.fields[path]

    def many(name: str, paths: list[tuple]) -> str:
        relation = reader.many[(name,)]
        child = relation.reader
        pick = child.function("row", "(" + "".join(f"{child.fields[path]}, " for path in paths) + ")")
        relations.append((relation, pick))
        return f"many[{len(relations) - 1}].get(row[{reader.pk_index}], ())"

    try:
        body = _code(kind, value, many, text=True)
    except KeyError:
        return None
    code = "def line(row, many, place):\n" + body
    namespace = {**reader.namespace, **_helpers()}
    # Our own code, generated from the table above and the reader's plan.
    exec(compile(code, f"<{kind} CSV rows>", "exec"), namespace)  # noqa: S102
    return namespace["line"], relations


def flat_value(value) -> object:
    """A nested value of a generic list row as one cell: a related record by its key, a list joined."""
    if isinstance(value, dict):
        for key in ("slug", "code", "source_ref", "name", "id"):
            if key in value:
                return value[key]
        return ""
    if isinstance(value, list):
        return "; ".join(str(flat_value(item)) for item in value)
    return value


#: FORMULA_PREFIXES are single characters: a text's first one is looked up in this set.
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)


def safe_cell(value) -> object:
    """None as an empty cell; text a spreadsheet would run as a formula, prefixed with an apostrophe."""
    # Plain text and integers first: most cells of an export are, and this runs for each of them.
    if value.__class__ is str:
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if value.__class__ is int:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


#: What makes csv.writer quote a cell (its excel dialect: the delimiter, the quote, the line terminator's characters).
_CSV_SPECIAL = re.compile('[,"\r\n]')


def cell_text(value) -> str:
    """safe_cell(value) as csv.writer writes it: text as it is, None as an empty cell, a float by its
    repr(), anything else by its str()."""
    value = safe_cell(value)  # None is "" already
    if isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def csv_cells(values: Iterable) -> list:
    """safe_cell() of each value, for a whole row: the common cells (plain text without a formula's
    first character, integers, None, which csv writes as an empty cell) are checked inline."""
    cells = list(values)
    for index, value in enumerate(cells):
        if value.__class__ is str:
            if value[:1] in _FORMULA_FIRST:
                cells[index] = "'" + value
        elif value.__class__ is not int and value is not None:
            cells[index] = safe_cell(value)
    return cells


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"".join(self.stream(data, renderer_context or {}))

    #: Bytes of CSV gathered before they are sent: one write to the socket per block, not per row.
    block_size = 64 * 1024
    #: Rows handed to csv.writer.writerows at a time (about 40 KiB of an event export).
    rows_per_write = 100

    def stream(self, rows: Iterable[dict], renderer_context: dict) -> Iterator[bytes]:
        """The CSV in blocks of about `block_size` bytes: the header alone first (the first byte
        goes out before any row is read), then the exported rows, one line each."""
        export = renderer_context.get("export", {})
        resource = export.get("resource", "")
        columns = TIMELINE_COLUMNS if resource in (EVENT, STATEMENT, "timeline") else tuple(export.get("fields", ()))
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def block() -> bytes:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text.encode("utf-8")

        writer.writerow([safe_cell(value) for value in columns])
        yield block()
        if export.get("cells"):
            # The rows are their cells' text already (exports.csv_rows()).
            yield from self._stream_text(rows, len(columns), buffer, block)
            return
        if resource in (EVENT, STATEMENT, "timeline"):

            def line(row: dict) -> list:
                kind, record = unwrap(row, resource)
                return csv_cells(csv_line(kind)(record))
        else:

            def line(row: dict) -> list:
                return [safe_cell(flat_value(row.get(column))) for column in columns]

        rows = iter(rows)
        while chunk := list(islice(rows, self.rows_per_write)):
            writer.writerows(map(line, chunk))
            if buffer.tell() >= self.block_size:
                yield block()
        if buffer.tell():
            yield block()

    def _stream_text(self, rows: Iterable[list], width: int, buffer, block) -> Iterator[bytes]:
        """stream() of rows whose cells are text (cell_text()), written as csv.writer writes them
        (its excel dialect: quoted when they hold a comma, a quote or a line break, the quotes
        doubled), without reading every character of every cell in Python's csv module (a third of
        an export's instructions): a line with no such character is its cells joined by commas."""
        commas, join, write, special = width - 1, ",".join, buffer.write, _CSV_SPECIAL.search
        rows = iter(rows)
        while chunk := list(islice(rows, self.rows_per_write)):
            for cells in chunk:
                line = join(cells)
                if '"' in line or "\r" in line or "\n" in line:
                    line = join(['"' + cell.replace('"', '""') + '"' if special(cell) else cell for cell in cells])
                elif line.count(",") != commas:
                    # Only commas (most of the lines that need a quote: a title's or summary's).
                    line = join(['"' + cell + '"' if "," in cell else cell for cell in cells])
                write(line + "\r\n")
            if buffer.tell() >= self.block_size:
                yield block()
        if buffer.tell():
            yield block()


# Dates at their precision ------------------------------------------------------------------------


def _parse(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _record_dates(kind: str, record: dict) -> tuple[dt.date | None, str, dt.date | None, str]:
    """(start, start precision, end, end precision) of an event or a statement row."""
    if kind == EVENT:
        return (
            _parse(record["start_date"]),
            record["start_precision"],
            _parse(record["end_date"]),
            record["end_precision"] or fuzzy.DAY,
        )
    return _parse(record["said_on"]), record["said_on_precision"], None, ""


def timelinejs_date(value: dt.date, precision: str) -> dict:
    """A TimelineJS date with only the parts the precision knows (a year-precision date: the year)."""
    if precision == fuzzy.YEAR:
        return {"year": value.year}
    if precision in (fuzzy.MONTH, fuzzy.SEASON):
        return {"year": value.year, "month": value.month}
    return {"year": value.year, "month": value.month, "day": value.day}


def calendar_period(kind: str, record: dict) -> tuple[dt.date, dt.date] | None:
    """The first and last day an all-day calendar entry covers; None when undated.

    Each date covers its whole period (a month, a season, a year); an approximate date
    is shown on its day, its description says "c.".
    """
    start, start_precision, end, end_precision = _record_dates(kind, record)
    if start is None:
        return None

    def bounds(value: dt.date, precision: str) -> tuple[dt.date, dt.date]:
        return (value, value) if precision == fuzzy.APPROXIMATE else fuzzy.period_bounds(value, precision)

    first, last = bounds(start, start_precision)
    if end is not None:
        last = max(last, bounds(end, end_precision)[1])
    return first, last


def place_label(place: dict) -> str:
    """An event's place as the TimelineJS and iCalendar texts say it: "Sotk (near; 40.2, 45.9)"."""
    return f"{place['name']} ({place['precision']}; {round(place['latitude'], 5)}, {round(place['longitude'], 5)})"


# TimelineJS ---------------------------------------------------------------------------------------


def _event_slide(record: dict) -> dict:
    start, start_precision, end, end_precision = _record_dates(EVENT, record)
    participants = ", ".join(f"{escape(p['actor']['name'])} ({escape(p['role'])})" for p in record["participants"])
    outlets = _distinct((source["article"].get("outlet") or {}).get("name", "") for source in record["sources"])
    text = [f"<p>{escape(record['summary'])}</p>" if record["summary"] else ""]
    if record["location"]:
        text.append(f"<p>Location: {escape(record['location'])}</p>")
    place = record.get("place")
    if place:
        text.append(f"<p>Place: {escape(place_label(place))}</p>")
    if participants:
        text.append(f"<p>Actors: {participants}</p>")
    if outlets:
        text.append(f"<p>Sources: {escape(outlets)}</p>")
    slide = {
        "unique_id": f"event-{record['id']}",
        "start_date": timelinejs_date(start, start_precision),
        "display_date": record["date_label"],
        "text": {"headline": escape(record["title"]), "text": "".join(text)},
    }
    if end is not None:
        slide["end_date"] = timelinejs_date(end, end_precision)
    return slide


def _statement_slide(record: dict) -> dict | None:
    start, precision, _, _ = _record_dates(STATEMENT, record)
    if start is None:
        return None
    speaker = record["speaker"]["name"]
    said = record["summary"] or record["quote"]
    article = record["article"]
    outlet = (article.get("outlet") or {}).get("name", "")
    text = [f"<blockquote>{escape(record['quote'])}</blockquote>", f"<p>— {escape(speaker)}"]
    if record["medium_detail"]:
        text.append(f", {escape(record['medium_detail'])}")
    text.append("</p>")
    source = escape(article["title"] or article["source_ref"]) + (f" ({escape(outlet)})" if outlet else "")
    text.append(f"<p>Source: {source}</p>")
    if record["reported_date_label"]:
        text.append(f"<p>The article dates it {escape(record['reported_date_label'])}.</p>")
    return {
        "unique_id": f"statement-{record['id']}",
        "start_date": timelinejs_date(start, precision),
        "display_date": record["date_label"],
        "text": {"headline": escape(f"{speaker}: {said[:120]}{'…' if len(said) > 120 else ''}"), "text": "".join(text)},
    }


class TimelineJSRenderer(renderers.JSONRenderer):
    """Knight Lab's TimelineJS JSON: load it with `new TL.Timeline(element, url_or_object)`."""

    media_type = "application/vnd.knightlab.timelinejs+json"
    format = "timelinejs"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        export = (renderer_context or {}).get("export", {})
        resource = export.get("resource", "")
        slides = []
        for row in data:
            kind, record = unwrap(row, resource)
            slide = _event_slide(record) if kind == EVENT else _statement_slide(record)
            if slide is None:
                continue
            if record.get("escalation"):
                slide["group"] = record["escalation"]["name"]
            slides.append(slide)
        timeline = {
            "title": {
                "text": {
                    "headline": escape(export.get("title", "conflictdb timeline")),
                    "text": escape(export.get("description", "")),
                }
            },
            "events": slides,
            "eras": [_era(escalation) for escalation in export.get("escalations", [])],
        }
        return super().render(timeline, accepted_media_type, renderer_context)


def _era(escalation: dict) -> dict:
    start = _parse(escalation["start_date"])
    # An ongoing escalation runs to today (TimelineJS needs an end).
    end = _parse(escalation["end_date"]) or max(start, dt.date.today())
    return {
        "start_date": timelinejs_date(start, fuzzy.DAY),
        "end_date": timelinejs_date(end, fuzzy.DAY),
        "text": {"headline": escape(escalation["name"])},
    }


# iCalendar ----------------------------------------------------------------------------------------


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        export = (renderer_context or {}).get("export", {})
        resource = export.get("resource", "")
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//conflictdb//timeline export//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", export.get("title", "conflictdb timeline"))
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
        for row in data:
            kind, record = unwrap(row, resource)
            period = calendar_period(kind, record)
            if period is None:
                continue
            calendar.add_component(_vevent(kind, record, period, stamp))
        return calendar.to_ical()


def _vevent(kind: str, record: dict, period: tuple[dt.date, dt.date], stamp: dt.datetime) -> icalendar.Event:
    first, last = period
    entry = icalendar.Event()
    entry.add("uid", f"{kind}-{record['id']}@conflictdb")
    entry.add("dtstamp", stamp)
    entry.add("dtstart", first)
    # All-day entries end on the day after the last one (RFC 5545: DTEND is exclusive).
    entry.add("dtend", last + dt.timedelta(days=1))
    categories = [record["escalation"]["name"]] if record.get("escalation") else []
    if kind == EVENT:
        entry.add("summary", record["title"])
        lines = [record["summary"], f"When: {record['date_label']}"]
        if record["participants"]:
            lines.append("Actors: " + ", ".join(f"{p['actor']['name']} ({p['role']})" for p in record["participants"]))
        place = record.get("place")
        if place:
            entry.add("location", place["name"])
            entry.add("geo", (place["latitude"], place["longitude"]))
            lines.append(f"Place: {place_label(place)}")
            if record["location"]:
                lines.append(f"Location: {record['location']}")
        elif record["location"]:
            entry.add("location", record["location"])
        categories.append(record["type"]["label"])
    else:
        said = record["summary"] or record["quote"]
        entry.add("summary", f"{record['speaker']['name']}: {said}")
        article = record["article"]
        lines = [
            f"“{record['quote']}”",
            f"When: {record['date_label']}",
            f"Source: {article['title'] or article['source_ref']}",
        ]
        if article["url"]:
            entry.add("url", article["url"])
        categories.append(record["cameo"]["label"])
    entry.add("description", "\n".join(line for line in lines if line))
    entry.add("categories", categories)
    return entry
