"""The small management commands: the demo curator and the CAMEO fixture builder."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]
SHARED_CAMEO = ROOT.parent / "shared" / "data" / "cameo.csv"


@pytest.mark.django_db
def test_the_demo_curator_can_log_in_with_the_printed_password(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_curator", stdout=out)
    password = out.getvalue().rsplit("password '", 1)[1].split("'")[0]
    user = authenticate(RequestFactory().post("/admin/login/"), username="curator", password=password)
    assert user is not None and user.is_staff and not user.is_superuser
    assert user.has_perm("events.change_statement") and user.has_perm("events.add_event")
    # Drafts only: deleting a verified statement is refused by events.roles.may_delete.
    assert user.has_perm("events.delete_statement")
    assert not user.has_perm("events.delete_article") and not user.has_perm("auth.change_user")


@pytest.mark.django_db
def test_running_it_again_resets_the_password(settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()
    call_command("create_demo_curator", stdout=first)
    call_command("create_demo_curator", stdout=second)
    assert "reset" in second.getvalue() and first.getvalue() != second.getvalue()


@pytest.mark.django_db
def test_the_demo_curator_is_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("create_demo_curator", stdout=StringIO())


def test_the_cameo_fixture_is_the_committed_codebook(tmp_path):
    output = tmp_path / "cameo.json"
    call_command(
        "build_cameo_fixture", str(ROOT / "fixtures" / "cameo.csv"), "--output", str(output), stdout=StringIO()
    )
    assert json.loads(output.read_text()) == json.loads((ROOT / "fixtures" / "cameo.json").read_text())
    codes = {obj["pk"]: obj["fields"] for obj in json.loads(output.read_text())}
    assert len(codes) == 316
    assert codes["0256"] == {"label": "Appeal for de-escalation of military engagement", "root": "02"}
    assert codes["0871"]["label"] == "Declare truce, ceasefire"


@pytest.mark.skipif(not SHARED_CAMEO.exists(), reason="runs where ../shared/data/cameo.csv is beside the clone")
def test_the_committed_codebook_is_a_copy_of_the_shared_one():
    assert (ROOT / "fixtures" / "cameo.csv").read_bytes() == SHARED_CAMEO.read_bytes()


def test_a_bad_codebook_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("01,MAKE PUBLIC STATEMENT\n0256,Appeal\n")
    with pytest.raises(CommandError, match=r"bad.csv:2: code 0256 comes before its root 02"):
        call_command("build_cameo_fixture", str(bad), "--output", str(tmp_path / "o.json"), stdout=StringIO())
