import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import (
    BoardSession,
    Case,
    Choice,
    Direction,
    Organisation,
    Outcome,
    RoleAnalysis,
    User,
    Vote,
)

MODELS = [Organisation, Case, Choice, RoleAnalysis, Direction, BoardSession, Vote, Outcome, User]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_loads_the_demo_once(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    assert first["Case"] == 7
    assert first["Direction"] == 7
    assert first["BoardSession"] == 2
    assert first["User"] == 7
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert "nothing changed" in out.getvalue()


def test_demo_content_is_complete_and_consistent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    for case in Case.objects.prefetch_related("choices", "role_analyses"):
        progress = case.completeness()
        # every layer and role analysis filled in; what some lack is an
        # explanation of a deviation (comply or explain), on purpose
        assert not progress["missing_layers"] and not progress["missing_roles"], case.title
    drafts = Case.objects.filter(status="draft")
    assert [not case.completeness()["complete"] for case in drafts] == [True]
    assert Case.objects.filter(is_illustrative=True).count() == 4
    closed = BoardSession.objects.get(state="closed")
    assert BoardSession.objects.filter(state="open").count() == 1
    assert set(
        Outcome.objects.filter(session=closed, decision="adopted").values_list(
            "direction__code", flat=True
        )
    ) >= {"R1", "R2", "R3"}
    assert set(Direction.objects.filter(status="adopted").values_list("code", flat=True)) >= {
        "R1",
        "R2",
        "R3",
    }
    for executive in User.objects.filter(groups__name="executive"):
        for session in BoardSession.objects.all():
            points = sum(
                Vote.objects.filter(session=session, executive=executive).values_list(
                    "points", flat=True
                )
            )
            assert points <= 10
    # the main demo executive has not voted yet in the open session
    assert not Vote.objects.filter(session__state="open", executive__username="bestuurder").exists()
    ambtenaar = User.objects.get(username="ambtenaar")
    assert ambtenaar.organisation.name == "Provincie Utrecht"
    # the password load_demo sets: DEMO_PASSWORD, as the environment gives it
    assert ambtenaar.check_password(settings.DEMO_PASSWORD)
    assert settings.DEMO_PASSWORD == os.environ.get("DEMO_PASSWORD", "stackwork-demo")


def test_load_demo_refuses_production_mode(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Case.objects.exists() and not User.objects.exists()


def test_adduser_creates_a_user_with_role(db, utrecht, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-pass-phrase-42\n"))
    call_command(
        "adduser",
        "piet",
        "--role",
        "civil_servant",
        "--organisation",
        "Provincie Utrecht",
        "--password-stdin",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="piet")
    assert user.check_password("a-long-pass-phrase-42")
    assert list(user.groups.values_list("name", flat=True)) == ["civil_servant"]
    assert user.organisation == utrecht


def test_adduser_coordinator_gets_the_admin(db):
    call_command("adduser", "kees", "--role", "coordinator", stdout=io.StringIO())
    user = User.objects.get(username="kees")
    assert user.is_staff and not user.has_usable_password()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "king"], "Unknown role 'king'"),
        (
            ["x", "--role", "civil_servant", "--organisation", "Atlantis"],
            "Unknown organisation 'Atlantis'",
        ),
        (["x", "--role", "civil_servant"], "needs --organisation"),
        (["alice", "--role", "executive"], "already exists"),
    ],
)
def test_adduser_refuses_bad_input(alice, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("adduser", *args, stdout=io.StringIO())
    assert User.objects.count() == 1


def test_adduser_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "adduser", "x", "--role", "executive", "--password-stdin", stdout=io.StringIO()
        )
    assert not User.objects.exists()


def test_adduser_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "adduser", "x", "--role", "king"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DEBUG": "1"},
    )
    assert result.returncode != 0
    assert "Unknown role 'king'" in result.stderr


def test_generate_data_adds_complete_records(db, settings):
    settings.DEBUG = True
    call_command(
        "generate_data", "--cases", "7", "--executives", "3", "--directions", "4", stdout=io.StringIO()
    )
    cases = Case.objects.prefetch_related("choices", "role_analyses")
    assert cases.count() == 7
    assert all(case.completeness()["complete"] for case in cases)
    assert Direction.objects.count() == 4
    assert User.objects.filter(groups__name="executive").count() == 3
    closed = BoardSession.objects.get(state="closed")
    assert BoardSession.objects.filter(state="open").count() == 1
    assert Vote.objects.filter(session=closed).count() == 3 * 4
    for user in User.objects.all():
        points = Vote.objects.filter(session=closed, executive=user).values_list("points", flat=True)
        assert sum(points) <= 10
    call_command(
        "generate_data", "--cases", "2", "--executives", "1", "--directions", "1", stdout=io.StringIO()
    )
    assert Case.objects.count() == 9 and BoardSession.objects.count() == 4


def test_generate_data_refuses_production_and_nonsense(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("generate_data", stdout=io.StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_data", "--cases", "0", stdout=io.StringIO())
    assert not Case.objects.exists()


def test_demo_sessions_record_when_they_opened_and_closed(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    assert all(s.opened_at for s in BoardSession.objects.all())
    assert BoardSession.objects.get(state="closed").closed_at
