"""The permission matrix: every API endpoint and method, and the admin pages, for each role.

Roles (events/roles.py): anonymous reader; a logged-in staff user with no permission; a
curator (in the "curators" group that migration 0006_roles creates); an administrator.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Event, ReviewStatus, Statement
from events.roles import CURATOR_GROUP, CURATOR_PERMISSIONS

ROLES = ("anonymous", "no_permission", "curator", "administrator")
QUOTE = "both sides must stop firing now."


@pytest.fixture
def login(django_user_model):
    """A client (API or Django test client) logged in as the role."""

    def make(role: str, client_class=APIClient):
        client = client_class()
        if role == "anonymous":
            return client
        user = django_user_model.objects.create_user(
            role, password="role-password-1", is_staff=True, is_superuser=role == "administrator"
        )
        if role == "curator":
            user.groups.add(Group.objects.get(name=CURATOR_GROUP))
        client.force_login(user)
        return client

    return make


@pytest.fixture
def resource(make_outlet, make_escalation, new_article, make_actor, new_statement, make_event, cameo):
    """name -> (an unreferenced record, a create payload, an update payload)."""
    cameo("0256", "Appeal for de-escalation of military engagement")
    cameo("190", "Use conventional military force")

    def make(name: str):
        if name == "outlets":
            return make_outlet(), {"slug": "new-outlet", "name": "New", "kind": "wire"}, {"name": "Renamed"}
        if name == "escalations":
            payload = {"slug": "new-escalation", "name": "New", "start_date": "2021-01-01", "end_date": "2021-01-31"}
            return make_escalation(), payload, {"name": "Renamed"}
        if name == "articles":
            return new_article(), {"source_ref": "new.txt", "title": "Metadata only"}, {"title": "Renamed"}
        if name == "actors":
            return make_actor(), {"slug": "new-actor", "name": "New", "kind": "person"}, {"name": "Renamed"}
        if name == "statements":
            article, speaker = new_article(), make_actor()
            start = article.body.index(QUOTE)
            payload = {
                "ref": "new-statement",
                "article": article.pk,
                "speaker": speaker.slug,
                "quote": QUOTE,
                "start": start,
                "end": start + len(QUOTE),
                "cameo": "0256",
            }
            return new_statement(), payload, {"date_phrase": "on Monday"}
        if name == "events":
            payload = {"slug": "new-event", "title": "New", "type": "190", "start_date": "2022-08-01"}
            return make_event(), payload, {"title": "Renamed"}
        raise LookupError(name)

    return make


CRUD = ("outlets", "escalations", "articles", "actors", "statements", "events")
# What each role gets: anonymous writes are 401 (token authentication asks for credentials).
WRITE_STATUS = {"anonymous": 401, "no_permission": 403, "curator": None, "administrator": None}


def test_the_curators_group_has_exactly_the_listed_permissions(db):
    group = Group.objects.get(name=CURATOR_GROUP)
    assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(CURATOR_PERMISSIONS)
    assert not group.permissions.filter(codename__in=["add_user", "change_user", "add_group", "change_group"])
    assert not group.permissions.filter(codename__in=["delete_article", "delete_actor", "delete_outlet"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CRUD)
def test_api_matrix(login, resource, role, name):
    record, create, update = resource(name)
    client = login(role)
    url = f"/api/{name}/"
    model = type(record)

    assert client.get(url).status_code == 200
    assert client.get(f"{url}{record.pk}/").status_code == 200

    response = client.post(url, create, format="json")
    assert response.status_code == (WRITE_STATUS[role] or 201), response.content

    response = client.patch(f"{url}{record.pk}/", update, format="json")
    assert response.status_code == (WRITE_STATUS[role] or 200), response.content
    field, value = next(iter(update.items()))
    assert (getattr(model.objects.get(pk=record.pk), field) == value) is (WRITE_STATUS[role] is None)

    # Curators delete drafts of reviewed records only; other deletions are the administrator's.
    curator_deletes = name in ("statements", "events")
    expected = WRITE_STATUS[role] or (204 if role == "administrator" or curator_deletes else 403)
    assert client.delete(f"{url}{record.pk}/").status_code == expected
    assert model.objects.filter(pk=record.pk).exists() is (expected != 204)


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", list(zip(ROLES, (401, 403, 403, 204), strict=True)))
@pytest.mark.parametrize("name", ("statements", "events"))
def test_api_only_an_administrator_deletes_a_verified_record(login, resource, role, expected, name):
    record = resource(name)[0]
    type(record).objects.filter(pk=record.pk).update(review_status=ReviewStatus.VERIFIED)
    response = login(role).delete(f"/api/{name}/{record.pk}/")
    assert response.status_code == expected
    assert type(record).objects.filter(pk=record.pk).exists() is (expected != 204)
    if role == "curator":
        assert "administrator" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_read_only_endpoints_refuse_every_write(login, cameo, role):
    cameo("0256", "Appeal")
    client = login(role)
    for url in ("/api/cameo-codes/", "/api/cameo-codes/0256/", "/api/timeline/", "/api/stats/", "/api/"):
        assert client.get(url).status_code == 200, url
    # 401/403 where the permission check comes first, 405 where the role could write but the
    # endpoint has no such method.
    for url in ("/api/cameo-codes/", "/api/timeline/", "/api/stats/"):
        assert client.post(url, {"code": "0999", "label": "x"}, format="json").status_code in (401, 403, 405), url
    for method in (client.patch, client.put, client.delete):
        assert method("/api/cameo-codes/0256/", {"label": "x"}, format="json").status_code in (401, 403, 405)


# The admin ----------------------------------------------------------------------------------

EVENTS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "events"), key=lambda m: m._meta.model_name
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda model: model._meta.model_name)
def test_admin_changelist_matrix(login, role, model):
    from django.test import Client

    url = reverse(f"admin:events_{model._meta.model_name}_changelist")
    response = login(role, Client).get(url)
    expected = {"anonymous": 302, "no_permission": 403, "curator": 200, "administrator": 200}[role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", list(zip(ROLES, (302, 403, 403, 200), strict=True)))
@pytest.mark.parametrize("page", ("auth_user_changelist", "auth_group_changelist", "auth_user_add"))
def test_admin_user_administration_is_the_administrators(login, role, expected, page):
    from django.test import Client

    assert login(role, Client).get(reverse(f"admin:{page}")).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("model", (Statement, Event), ids=("statement", "event"))
@pytest.mark.parametrize(
    "role, status, expected",
    [("curator", ReviewStatus.DRAFT, 200), ("curator", ReviewStatus.VERIFIED, 403)]
    + [("administrator", status, 200) for status in (ReviewStatus.DRAFT, ReviewStatus.VERIFIED)],
)
def test_admin_delete_page_refuses_a_verified_record_to_a_curator(login, resource, model, role, status, expected):
    from django.test import Client

    record = resource(f"{model._meta.model_name}s")[0]
    model.objects.filter(pk=record.pk).update(review_status=status)
    client = login(role, Client)
    url = reverse(f"admin:events_{model._meta.model_name}_delete", args=[record.pk])
    assert client.get(url).status_code == expected
    response = client.post(url, {"post": "yes"})
    assert model.objects.filter(pk=record.pk).exists() is (expected == 403)
    assert response.status_code == (403 if expected == 403 else 302)


@pytest.mark.django_db
@pytest.mark.parametrize("model", (Statement, Event), ids=("statement", "event"))
def test_admin_delete_selected_keeps_verified_records_from_a_curator(login, resource, model):
    from django.test import Client

    draft = resource(f"{model._meta.model_name}s")[0]
    verified = resource(f"{model._meta.model_name}s")[0]
    model.objects.filter(pk=verified.pk).update(review_status=ReviewStatus.VERIFIED)
    client = login("curator", Client)
    url = reverse(f"admin:events_{model._meta.model_name}_changelist")
    selected = {"action": "delete_selected", "_selected_action": [draft.pk, verified.pk]}
    # The confirmation page names what may not be deleted; confirming anyway is refused.
    response = client.post(url, selected)
    assert response.status_code == 200
    assert "permission to delete" in response.content.decode()
    assert client.post(url, selected | {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk__in=[draft.pk, verified.pk]).count() == 2


# Taking a record out of verification: the walk-around "set it back to draft, then delete it" --


def verified(resource, name: str):
    record = resource(name)[0]
    type(record).objects.filter(pk=record.pk).update(review_status=ReviewStatus.VERIFIED)
    return record


def status_of(record) -> str:
    return type(record).objects.values_list("review_status", flat=True).get(pk=record.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role, expected", list(zip(ROLES, (401, 403, 403, 200), strict=True)))
@pytest.mark.parametrize("new_status", (ReviewStatus.DRAFT, ReviewStatus.REJECTED))
@pytest.mark.parametrize("name", ("statements", "events"))
def test_api_only_an_administrator_takes_a_record_out_of_verification(
    login, resource, role, expected, new_status, name
):
    record = verified(resource, name)
    client = login(role)
    response = client.patch(f"/api/{name}/{record.pk}/", {"review_status": new_status}, format="json")
    assert response.status_code == expected, response.content
    assert status_of(record) == (new_status if expected == 200 else ReviewStatus.VERIFIED)
    if role == "curator":
        assert "administrator" in response.json()["detail"]
        # ...so the delete that would have followed is still refused.
        assert client.delete(f"/api/{name}/{record.pk}/").status_code == 403
        assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ("statements", "events"))
def test_api_a_curator_still_verifies_drafts_and_edits_verified_records(login, resource, name):
    client = login("curator")
    draft = resource(name)[0]
    assert client.patch(f"/api/{name}/{draft.pk}/", {"review_status": "verified"}, format="json").status_code == 200
    assert status_of(draft) == ReviewStatus.VERIFIED
    response = client.patch(
        f"/api/{name}/{draft.pk}/", {"review_status": "verified", "notes": "checked"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert type(draft).objects.get(pk=draft.pk).notes == "checked"
    rejected = resource(name)[0]
    type(rejected).objects.filter(pk=rejected.pk).update(review_status=ReviewStatus.REJECTED)
    assert client.patch(f"/api/{name}/{rejected.pk}/", {"review_status": "draft"}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role, refused", [("curator", True), ("administrator", False)])
@pytest.mark.parametrize("model", (Statement, Event), ids=("statement", "event"))
def test_admin_change_form_takes_a_record_out_of_verification_for_an_administrator_only(
    login, resource, model, role, refused
):
    from django.test import Client

    from events.tests.test_concurrency import change_form_data

    record = verified(resource, f"{model._meta.model_name}s")
    client = login(role, Client)
    url = reverse(f"admin:events_{model._meta.model_name}_change", args=[record.pk])
    response = client.post(url, {**change_form_data(client.get(url)), "review_status": "draft"})
    assert response.status_code == (200 if refused else 302)
    assert status_of(record) == (ReviewStatus.VERIFIED if refused else ReviewStatus.DRAFT)
    if refused:
        assert "only be set back to draft or rejected by an administrator" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", (Statement, Event), ids=("statement", "event"))
def test_admin_history_revert_to_a_draft_version_is_refused_to_a_curator(login, resource, model):
    from django.test import Client

    from events.tests.test_concurrency import change_form_data

    record = resource(f"{model._meta.model_name}s")[0]
    draft_version = record.history.latest()
    stored = model.objects.get(pk=record.pk)
    stored.review_status = ReviewStatus.VERIFIED
    stored.save()
    client = login("curator", Client)
    url = reverse(f"admin:events_{model._meta.model_name}_simple_history", args=[record.pk, draft_version.history_id])
    response = client.post(url, change_form_data(client.get(url)))
    assert response.status_code == 200
    assert "administrator" in response.content.decode()
    assert status_of(record) == ReviewStatus.VERIFIED


@pytest.mark.django_db
@pytest.mark.parametrize("role, after", [("curator", ReviewStatus.VERIFIED), ("administrator", ReviewStatus.REJECTED)])
@pytest.mark.parametrize("model", (Statement, Event), ids=("statement", "event"))
def test_admin_reject_action_leaves_verified_records_to_an_administrator(login, resource, model, role, after):
    from django.test import Client

    name = f"{model._meta.model_name}s"
    draft, record = resource(name)[0], verified(resource, name)
    client = login(role, Client)
    url = reverse(f"admin:events_{model._meta.model_name}_changelist")
    response = client.post(url, {"action": "mark_rejected", "_selected_action": [draft.pk, record.pk]}, follow=True)
    assert response.status_code == 200
    assert (status_of(draft), status_of(record)) == (ReviewStatus.REJECTED, after)
    if role == "curator":
        assert "1 verified left as they are" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role, refused", [("curator", True), ("administrator", False)])
@pytest.mark.parametrize("change", ("delete", "draft"))
def test_admin_article_inline_keeps_verified_statements_from_a_curator(
    login, new_article, new_statement, role, refused, change
):
    from django.test import Client

    from events.tests.test_concurrency import change_form_data

    article = new_article()
    statement = new_statement(article=article, review_status=ReviewStatus.VERIFIED)
    client = login(role, Client)
    url = reverse("admin:events_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-id") and data[key] == str(statement.pk))[: -len("id")]
    data |= {f"{prefix}DELETE": "on"} if change == "delete" else {f"{prefix}review_status": "draft"}
    response = client.post(url, data)
    assert response.status_code == (200 if refused else 302)
    stored = Statement.objects.filter(pk=statement.pk).values_list("review_status", flat=True).first()
    expected = {"delete": None, "draft": ReviewStatus.DRAFT}[change]
    assert stored == (ReviewStatus.VERIFIED if refused else expected)
    if refused:
        assert "administrator" in response.content.decode()


@pytest.mark.django_db
def test_admin_article_inline_still_deletes_a_curators_draft(login, new_article, new_statement):
    from django.test import Client

    from events.tests.test_concurrency import change_form_data

    article = new_article()
    statement = new_statement(article=article)
    client = login("curator", Client)
    url = reverse("admin:events_article_change", args=[article.pk])
    data = change_form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-id") and data[key] == str(statement.pk))[: -len("id")]
    assert client.post(url, data | {f"{prefix}DELETE": "on"}).status_code == 302
    assert not Statement.objects.filter(pk=statement.pk).exists()
