"""Two curators editing the same record never overwrite each other silently.

The rules (events.models.VersionedModel): every save moves a record's `version` on by one,
and the UPDATE is conditional on the version the writer read, so a write from a stale
copy changes nothing and raises VersionConflict. The API shows the version as the ETag and
refuses a stale If-Match (412) or body `version` (409); the admin refuses a form opened
before someone else's change. The last test runs many writers at once against a real
server (gunicorn, several processes) on the suite's database: SQLite (a file copy in WAL
mode, as in production) or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.api.serializers import StatementSerializer
from events.models import Actor, Event, ReviewStatus, Statement, VersionConflict, versioning
from events.roles import grant_curator_permissions

QUOTE = "both sides must stop firing now."


@pytest.fixture
def curator(django_user_model):
    """A curator (the role of events/roles.py); the group is made here as transactional tests flush it."""

    def make(username: str = "curator"):
        user = django_user_model.objects.create_user(username, password="curator-password-1", is_staff=True)
        user.groups.add(grant_curator_permissions(Group, Permission))
        return user

    return make


@pytest.fixture
def as_curator(curator):
    def make(username: str = "curator") -> APIClient:
        client = APIClient()
        client.force_login(curator(username))
        return client

    return make


# The rules, on the models ------------------------------------------------------------------


@pytest.mark.django_db
def test_every_save_moves_the_version_on_by_one(make_statement):
    statement = make_statement()
    assert statement.version == 1
    statement.summary = "An appeal"
    statement.save()
    statement.notes = "checked"
    statement.save()
    statement.refresh_from_db()
    assert statement.version == 3


@pytest.mark.django_db
def test_a_save_from_a_stale_copy_is_refused_and_writes_nothing(make_statement, curator):
    statement = make_statement()
    mine, theirs = Statement.objects.get(pk=statement.pk), Statement.objects.get(pk=statement.pk)
    theirs.summary = "their summary"
    theirs._history_user = curator("ana")
    theirs.save()

    mine.summary = "my summary"
    # Like an IntegrityError, the refusal spoils the transaction it happens in: hence a savepoint.
    with pytest.raises(VersionConflict) as caught, transaction.atomic():
        mine.save()
    conflict = caught.value
    assert (conflict.expected, conflict.current, conflict.changed_by) == (1, 2, "ana")
    assert "changed since version 1: it is at version 2, last changed by ana at" in conflict.message
    assert mine.version == 1  # the failed save leaves the copy as it was, to be re-read
    statement.refresh_from_db()
    assert (statement.summary, statement.version) == ("their summary", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["event", "actor", "article"])
def test_events_actors_and_articles_are_versioned_the_same_way(kind, make_event, make_actor, new_article):
    record = {"event": make_event, "actor": make_actor, "article": new_article}[kind]()
    model = type(record)
    mine, theirs = model.objects.get(pk=record.pk), model.objects.get(pk=record.pk)
    theirs.notes = theirs.description = "theirs"
    theirs.save()
    mine.notes = mine.description = "mine"
    with pytest.raises(VersionConflict, match="it is at version 2"), transaction.atomic():
        mine.save()
    assert model.objects.get(pk=record.pk).version == 2


@pytest.mark.django_db
def test_check_version_refuses_another_version_and_without_one_takes_the_stored(make_statement):
    statement = make_statement()
    Statement.objects.get(pk=statement.pk).save()  # someone else: now version 2
    with pytest.raises(VersionConflict):
        statement.check_version(1)  # a check, before any write: the transaction stays usable
    statement.check_version(None)
    statement.summary = "based on whatever is stored"
    statement.save()
    assert Statement.objects.get(pk=statement.pk).version == 3


@pytest.mark.django_db
def test_a_deleted_record_is_a_conflict_too(make_statement):
    statement = make_statement()
    copy = Statement.objects.get(pk=statement.pk)
    statement.delete()
    with pytest.raises(VersionConflict, match="was deleted after version 1"), transaction.atomic():
        copy.save()
    assert not Statement.objects.filter(pk=copy.pk).exists()  # not re-inserted


@pytest.mark.django_db
def test_save_with_update_fields_writes_the_version_and_the_derived_dates(make_statement):
    statement = make_statement()
    statement.said_on, statement.said_on_precision = dt.date(2022, 8, 1), "month"
    statement.save(update_fields=["said_on", "said_on_precision"])
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.version, stored.date_from, stored.date_to) == (2, dt.date(2022, 8, 1), dt.date(2022, 8, 31))


@pytest.mark.django_db
def test_bulk_verify_and_reject_move_every_version_on(make_statement, make_event, new_article):
    statements = [make_statement(article=new_article()) for _ in range(3)]
    stale = Statement.objects.get(pk=statements[0].pk)
    assert Statement.objects.filter(pk__in=[s.pk for s in statements[:2]]).mark_verified() == 2
    assert list(Statement.objects.order_by("pk").values_list("version", "review_status")) == [
        (2, "verified"),
        (2, "verified"),
        (1, "draft"),
    ]
    # Verifying again changes nothing, so no version moves.
    assert Statement.objects.filter(pk=statements[0].pk).mark_verified() == 0
    assert Statement.objects.get(pk=statements[0].pk).version == 2
    assert Statement.objects.get(pk=statements[0].pk).history.latest().version == 2
    with pytest.raises(VersionConflict), transaction.atomic():
        stale.save()  # an edit opened before the bulk verify cannot undo it
    event = make_event()
    Event.objects.filter(pk=event.pk).mark_rejected()
    assert Event.objects.values_list("version", "review_status").get(pk=event.pk) == (2, ReviewStatus.REJECTED)


@pytest.mark.django_db
def test_bulk_changes_go_in_batches_and_record_each_change(monkeypatch, make_statement, new_article):
    monkeypatch.setattr(versioning, "BULK_BATCH", 2)
    for _ in range(5):
        make_statement(article=new_article())
    assert Statement.objects.all().mark_verified() == 5
    assert set(Statement.objects.values_list("version", "review_status")) == {(2, "verified")}
    assert Statement.history.filter(history_change_reason="marked verified", version=2).count() == 5


@pytest.mark.django_db
def test_reassigning_a_speaker_and_merging_actors_move_the_versions_on(make_statement, make_actor, new_article):
    statement = make_statement(article=new_article())
    other = make_actor()
    Statement.objects.filter(pk=statement.pk).reassign_speaker(other)
    assert Statement.objects.get(pk=statement.pk).version == 2
    survivor, member = make_actor(), make_actor(affiliation=other)
    Actor.objects.filter(pk__in=[survivor.pk, other.pk]).merge_into(survivor)
    assert Statement.objects.values_list("speaker", "version").get(pk=statement.pk) == (survivor.pk, 3)
    assert Actor.objects.values_list("affiliation", "version").get(pk=member.pk) == (survivor.pk, 2)


@pytest.mark.django_db
def test_a_partial_update_from_a_copy_read_earlier_keeps_the_fields_it_did_not_send(make_statement):
    statement = make_statement()
    copy = Statement.objects.get(pk=statement.pk)
    statement.notes = "a note written meanwhile"
    statement.save()
    serializer = StatementSerializer(copy, data={"summary": "only this"}, partial=True)
    assert serializer.is_valid(), serializer.errors
    serializer.save()  # no version named: an edit of whatever is stored, writing only `summary`
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.summary, stored.notes, stored.version) == ("only this", "a note written meanwhile", 3)


# The API: ETag, If-Match (412) and the body's version (409) --------------------------------


def detail(name: str, pk: int) -> str:
    return f"/api/{name}/{pk}/"


@pytest.mark.django_db
def test_a_record_carries_its_version_as_etag_and_in_the_body(api, make_statement):
    statement = make_statement()
    response = api.get(detail("statements", statement.pk))
    assert response.status_code == 200
    assert (response["ETag"], response.json()["version"]) == ('"1"', 1)
    assert api.get("/api/statements/").json()["results"][0]["version"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_write_with_the_current_if_match_goes_through_and_answers_the_next_etag(as_curator, make_statement, method):
    client = as_curator()
    statement = make_statement()
    body = client.get(detail("statements", statement.pk)).json()
    payload = {"summary": "An appeal to both sides"}
    if method == "put":
        payload = {
            **{k: body[k] for k in ("ref", "quote", "start", "end", "kind", "said_on")},
            "speaker": body["speaker"]["id"],
            "article": body["article"]["id"],
            "cameo": body["cameo"]["code"],
            **payload,
        }
    response = getattr(client, method)(detail("statements", statement.pk), payload, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    assert (response["ETag"], response.json()["version"], response.json()["summary"]) == (
        '"2"',
        2,
        "An appeal to both sides",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["statements", "events", "actors", "articles"])
def test_a_stale_if_match_is_refused_with_412_naming_who_changed_it(as_curator, curator, name, resource_of):
    record = resource_of(name)
    before = type(record).objects.get(pk=record.pk)
    before._history_user = curator("ana")
    field = "description" if name == "actors" else "notes"
    setattr(before, field, "ana's change")
    before.save()

    response = as_curator().patch(detail(name, record.pk), {field: "mine"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    body = response.json()
    assert body["current_version"] == 2 and response["ETag"] == '"2"'
    assert "changed since version 1: it is at version 2" in body["detail"]
    if name != "articles":  # articles keep no history: who is unknown, when is their updated_at
        assert body["changed_by"] == "ana" and "last changed by ana" in body["detail"]
    assert body["changed_at"]
    stored = type(record).objects.get(pk=record.pk)
    assert (stored.version, getattr(stored, field)) == (2, "ana's change")


@pytest.fixture
def resource_of(make_statement, make_event, make_actor, new_article):
    def make(name: str):
        return {"statements": make_statement, "events": make_event, "actors": make_actor, "articles": new_article}[
            name
        ]()

    return make


@pytest.mark.django_db
def test_a_delete_with_a_stale_if_match_is_refused_and_with_the_current_one_deletes(as_curator, make_statement):
    client = as_curator()
    statement = make_statement()
    Statement.objects.get(pk=statement.pk).save()
    assert client.delete(detail("statements", statement.pk), HTTP_IF_MATCH='"1"').status_code == 412
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert client.delete(detail("statements", statement.pk), HTTP_IF_MATCH='"2"').status_code == 204
    assert not Statement.objects.filter(pk=statement.pk).exists()


@pytest.mark.django_db
def test_a_stale_version_in_the_body_is_refused_with_409(as_curator, make_statement):
    client = as_curator()
    statement = make_statement()
    Statement.objects.get(pk=statement.pk).save()
    response = client.patch(detail("statements", statement.pk), {"summary": "x", "version": 1}, format="json")
    assert response.status_code == 409
    assert "changed since version 1: it is at version 2" in response.json()["detail"]
    assert Statement.objects.values_list("summary", "version").get(pk=statement.pk) == ("", 2)
    response = client.patch(detail("statements", statement.pk), {"summary": "x", "version": 2}, format="json")
    assert (response.status_code, response.json()["version"]) == (200, 3)


@pytest.mark.django_db
def test_without_if_match_or_version_a_write_still_goes_through(as_curator, make_statement):
    client = as_curator()
    statement = make_statement()
    Statement.objects.get(pk=statement.pk).save()
    response = client.patch(detail("statements", statement.pk), {"summary": "x"}, format="json")
    assert (response.status_code, response.json()["version"]) == (200, 3)
    response = client.patch(detail("statements", statement.pk), {"notes": "y"}, format="json", HTTP_IF_MATCH="*")
    assert (response.status_code, response.json()["summary"], response.json()["version"]) == (200, "x", 4)


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["3", 'W/"1"', '"one"', '"²"', ""])
def test_an_if_match_that_is_not_a_quoted_version_is_a_400_naming_it(as_curator, make_statement, header):
    statement = make_statement()
    response = as_curator().patch(
        detail("statements", statement.pk), {"summary": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()
    assert Statement.objects.get(pk=statement.pk).version == 1


@pytest.mark.django_db
def test_a_create_starts_at_version_1_whatever_the_body_says(as_curator, new_article, make_actor, cameo):
    article, speaker = new_article(), make_actor()
    cameo("0256")
    start = article.body.index(QUOTE)
    payload = {"ref": "created", "article": article.pk, "speaker": speaker.slug, "quote": QUOTE, "start": start}
    payload |= {"end": start + len(QUOTE), "cameo": "0256", "version": 7}
    response = as_curator().post("/api/statements/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert (response["ETag"], response.json()["version"]) == ('"1"', 1)


# The admin ------------------------------------------------------------------------------------


def change_form_data(response) -> dict:
    """What a browser posts back from an admin change page: every field (and inline) as the page shows it."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", ()):
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif value is not None and value is not False:  # 0 (an empty formset's TOTAL_FORMS) is posted
                data[form.add_prefix(name)] = str(value)
    return data


@pytest.mark.django_db
def test_two_curators_open_the_same_statement_and_the_second_save_is_refused(client, curator, make_statement):
    statement = make_statement()
    url = reverse("admin:events_statement_change", args=[statement.pk])
    ana, ben = client.__class__(), client.__class__()
    ana.force_login(curator("ana"))
    ben.force_login(curator("ben"))
    ana_form, ben_form = change_form_data(ana.get(url)), change_form_data(ben.get(url))
    assert ana_form["opened_version"] == ben_form["opened_version"] == "1"
    assert 'name="opened_version"' in ben.get(url).content.decode()

    assert ana.post(url, {**ana_form, "summary": "Ana's summary"}).status_code == 302
    response = ben.post(url, {**ben_form, "summary": "Ben's summary", "notes": "Ben's note"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "was changed by ana at" in page and "after you opened it" in page and "reload to see their change" in page
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.summary, stored.notes, stored.version) == ("Ana's summary", "", 2)

    # Reloaded, Ben's form is at version 2 and his save goes through.
    ben_form = change_form_data(ben.get(url))
    assert ben.post(url, {**ben_form, "notes": "Ben's note"}).status_code == 302
    assert Statement.objects.values_list("summary", "notes", "version").get(pk=statement.pk) == (
        "Ana's summary",
        "Ben's note",
        3,
    )


@pytest.mark.django_db
def test_an_event_form_with_its_inlines_opened_before_another_change_saves_nothing(
    client, curator, make_event, make_actor, make_article
):
    article = make_article()
    event = make_event(actors=[(make_actor(), "initiator")], sources=[(article, "The two armies exchanged fire")])
    url = reverse("admin:events_event_change", args=[event.pk])
    client.force_login(curator("ben"))
    opened = change_form_data(client.get(url))
    assert opened["opened_version"] == "1" and opened["participants-TOTAL_FORMS"]
    assert client.post(url, {**opened, "location": "Lachin corridor"}).status_code == 302
    response = client.post(url, {**opened, "fatalities": "4", "participants-0-role": "target"})
    assert response.status_code == 200 and "was changed by ben at" in response.content.decode()
    stored = Event.objects.get(pk=event.pk)
    assert (stored.location, stored.fatalities, stored.version) == ("Lachin corridor", None, 2)
    assert list(stored.participants.values_list("role", flat=True)) == ["initiator"]


@pytest.mark.django_db
def test_a_statement_edited_in_its_articles_page_after_another_change_saves_nothing(
    client, curator, make_statement, new_article
):
    article = new_article()
    statement = make_statement(article=article)
    url = reverse("admin:events_article_change", args=[article.pk])
    client.force_login(curator("ben"))
    opened = change_form_data(client.get(url))
    assert opened["statements-0-opened_version"] == "1"
    elsewhere = Statement.objects.get(pk=statement.pk)
    elsewhere.summary = "changed meanwhile"
    elsewhere.save()

    response = client.post(url, {**opened, "statements-0-review_status": "verified"})
    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.review_status, stored.summary, stored.version) == ("draft", "changed meanwhile", 2)

    # Reloaded, the row is at version 2 and the edit goes through.
    reopened = change_form_data(client.get(url))
    assert client.post(url, {**reopened, "statements-0-review_status": "verified"}).status_code == 302
    stored.refresh_from_db()
    assert (stored.review_status, stored.summary, stored.version) == ("verified", "changed meanwhile", 3)


@pytest.mark.django_db
def test_an_admin_bulk_verify_moves_the_versions_on_and_conflicts_with_forms_opened_before(
    client, curator, make_statement, new_article
):
    statements = [make_statement(article=new_article()) for _ in range(2)]
    client.force_login(curator())
    url = reverse("admin:events_statement_change", args=[statements[0].pk])
    opened = change_form_data(client.get(url))
    changelist = reverse("admin:events_statement_changelist")
    selected = [str(s.pk) for s in statements]
    assert client.post(changelist, {"action": "mark_verified", "_selected_action": selected}).status_code == 302
    assert list(Statement.objects.order_by("pk").values_list("version", flat=True)) == [2, 2]
    response = client.post(url, {**opened, "summary": "from the old form"})
    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    assert Statement.objects.get(pk=statements[0].pk).review_status == ReviewStatus.VERIFIED


@pytest.mark.django_db
def test_the_history_revert_form_of_a_deleted_statement_still_restores_it(admin_client, make_statement):
    statement = make_statement(summary="the curated summary")
    created = statement.history.latest()
    Statement.objects.get(pk=statement.pk).delete()
    url = reverse("admin:events_statement_simple_history", args=[statement.pk, created.history_id])
    data = change_form_data(admin_client.get(url))
    assert "opened_version" not in data  # nothing stored to be at a version
    assert admin_client.post(url, data).status_code == 302
    assert Statement.objects.values_list("summary", "version").get(pk=statement.pk) == ("the curated summary", 1)


# Many writers at once against a real server ----------------------------------------------------

WRITERS, WRITES_EACH, CREATORS, CREATES_EACH = 8, 10, 4, 5
# Clients that send no If-Match, each PATCHing a field of its own on the same statement.
BLIND_FIELDS = ("summary", "medium_detail")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database for a server process: PostgreSQL's as it is; SQLite's copied to a WAL file
    (the suite's is in memory, which another process cannot open)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    return f"sqlite:///{path}"


@pytest.fixture
def server(transactional_db, tmp_path):
    """start() runs gunicorn (4 worker processes) over the test database as it is at that moment."""
    processes = []
    log = tmp_path / "server.log"

    def start() -> str:
        port = free_port()
        env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(tmp_path), "API_ANON_RATE": "1000000/minute"}
        command = [sys.executable, "-m", "gunicorn", "conflictdb.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "4", "--timeout", "120", "--error-logfile", "-"]
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/api/", timeout=5).close()
                return url
            except OSError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.3)
        raise AssertionError(f"the server did not answer within 90 s:\n{log.read_text()}")

    start.log = log
    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


durations: list[float] = []


def call(method: str, url: str, token: str, body=None, if_match: str | None = None):
    """(status, headers, JSON or text) of one request with the curator's token."""
    began = time.monotonic()
    try:
        return _call(method, url, token, body, if_match)
    finally:
        durations.append(time.monotonic() - began)


def _call(method: str, url: str, token: str, body, if_match: str | None):
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Content-Type": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read().decode("utf-8", "replace")
        try:
            return error.code, error.headers, json.loads(raw)
        except ValueError:
            return error.code, error.headers, raw


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_through_the_api_lose_nothing(server, curator, make_statement, make_actor, new_article):
    statement = make_statement(notes="")
    article = new_article()
    speakers = [make_actor() for _ in range(CREATORS * CREATES_EACH)]
    token = Token.objects.create(user=curator()).key
    base = server()
    target = f"{base}/api/statements/{statement.pk}/"
    start = article.body.index(QUOTE)

    statuses, written, created, conflicts, errors = [], [], [], [0], []
    durations.clear()
    lock = threading.Lock()

    def writer(n: int):
        # Read, append this writer's mark to the notes, write back with If-Match; on 412 read again.
        done = 0
        for _ in range(40 * WRITES_EACH):
            if done == WRITES_EACH:
                return
            status, headers, body = call("GET", target, token)
            if status != 200:
                with lock:
                    errors.append((status, body))
                continue
            mark = f"[w{n}.{done}]"
            status2, headers2, body2 = call("PATCH", target, token, {"notes": body["notes"] + mark}, headers["ETag"])
            with lock:
                statuses.extend([status, status2])
                if status2 == 200:
                    written.append((body2["version"], mark))
                    done += 1
                elif status2 == 412:
                    conflicts[0] += 1
                else:
                    errors.append((status2, body2))
        errors.append(f"writer {n} gave up after {40 * WRITES_EACH} attempts")

    def blind_writer(field: str):
        for k in range(WRITES_EACH):
            status, headers, body = call("PATCH", target, token, {field: f"{field} {k}"})
            with lock:
                statuses.append(status)
                if status == 200:
                    written.append((body["version"], ""))
                else:
                    errors.append((status, body))

    def creator(n: int):
        for i in range(CREATES_EACH):
            speaker = speakers[n * CREATES_EACH + i]
            payload = {"ref": f"concurrent-{n}-{i}", "article": article.pk, "speaker": speaker.slug}
            payload |= {"quote": QUOTE, "start": start, "end": start + len(QUOTE), "cameo": "0256"}
            status, headers, body = call("POST", f"{base}/api/statements/", token, payload)
            with lock:
                statuses.append(status)
                if status == 201:
                    created.append(body["id"])
                else:
                    errors.append((status, body))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads += [threading.Thread(target=creator, args=(n,)) for n in range(CREATORS)]
    threads += [threading.Thread(target=blind_writer, args=(field,)) for field in BLIND_FIELDS]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.monotonic() - began
    log = server.log.read_text()
    print(
        f"\n{connection.vendor}: {len(statuses)} requests in {elapsed:.1f} s, {len(written)} writes, "
        f"{conflicts[0]} conflicts (412) retried, {len(created)} creates, max {max(durations):.2f} s per request"
    )

    assert not errors, errors[:5]
    assert all(status < 500 for status in statuses)
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    # Every successful write got its own version, one after the other: none overwrote another.
    writes = WRITERS * WRITES_EACH + len(BLIND_FIELDS) * WRITES_EACH
    assert sorted(version for version, _ in written) == list(range(2, writes + 2))
    status, headers, final = call("GET", target, token)
    assert final["version"] == writes + 1 == int(headers["ETag"].strip('"'))
    # The clients without If-Match wrote only their own field, and their last value stayed.
    assert [final[field] for field in BLIND_FIELDS] == [f"{field} {WRITES_EACH - 1}" for field in BLIND_FIELDS]
    # And every writer's mark is in the notes exactly once, in the order the versions were given.
    assert final["notes"] == "".join(mark for _, mark in sorted(written))
    assert len(created) == CREATORS * CREATES_EACH
    for pk in created:
        assert call("GET", f"{base}/api/statements/{pk}/", token)[0] == 200
