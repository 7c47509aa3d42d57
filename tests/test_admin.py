"""The admin is no side door: states and outcomes follow the life cycle, an
open session's agenda is fixed, coordinators manage names, organisations and
roles of users and nothing more, tokens are never readable, and every change
made here is in the audit trail with what changed."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from knox.models import AuthToken

from cases.models import AuditEvent, BoardSession, Outcome, User
from tests.factories import make_direction, make_session, make_user


class _Form(HTMLParser):
    """The values a browser would post from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(a.get("value", default))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.strip("\n")


def form_data(html: str) -> dict:
    parser = _Form()
    parser.feed(html)
    return {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}


@pytest.fixture
def admin_client(client_for, cora):
    return client_for(cora)  # a coordinator, staff, not a superuser


# --- Item 1: sessions, agendas, outcomes ---------------------------------------


def test_an_open_sessions_agenda_cannot_be_changed_in_the_admin(admin_client):
    first, second = make_direction(code="R1"), make_direction(code="R2")
    session = make_session(directions=[first, second], state="open", title="Open sessie")
    url = f"/admin/cases/boardsession/{session.pk}/change/"
    page = admin_client.get(url).text
    assert 'name="agenda_items-0-direction"' not in page
    data = form_data(page)
    # what a crafted post would try: delete the first item, add another
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "1",
            "agenda_items-INITIAL_FORMS": "0",
            "agenda_items-0-direction": str(make_direction(code="R3").pk),
            "agenda_items-0-position": "3",
        }
    )
    admin_client.post(url, data)
    assert list(session.agenda_items.values_list("direction__code", flat=True)) == ["R1", "R2"]


def test_a_draft_sessions_agenda_is_edited_and_audited(admin_client, cora):
    first = make_direction(code="R1")
    session = make_session(directions=[first], state="draft", title="Concept")
    url = f"/admin/cases/boardsession/{session.pk}/change/"
    data = form_data(admin_client.get(url).text)
    assert "agenda_items-0-direction" in data
    data["title"] = "Concept met nieuwe titel"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind="admin", action="changed", object_id=session.pk)
    assert {"field": "title", "old": "Concept", "new": "Concept met nieuwe titel"} in event.changes
    assert event.actor == cora


def test_state_and_anonymity_are_read_only_once_open(admin_client):
    session = make_session(directions=[make_direction()], state="open", title="Open")
    url = f"/admin/cases/boardsession/{session.pk}/change/"
    page = admin_client.get(url).text
    assert 'name="state"' not in page and 'name="anonymous"' not in page
    data = form_data(page)
    data.update({"state": "closed", "anonymous": ""})
    admin_client.post(url, data)
    session.refresh_from_db()
    assert session.state == BoardSession.State.OPEN and session.anonymous


def test_no_outcome_for_an_open_session_through_the_admin(admin_client):
    direction = make_direction(code="R1")
    session = make_session(directions=[direction], state="open")
    response = admin_client.post(
        "/admin/cases/outcome/add/",
        {"session": session.pk, "direction": direction.pk, "decision": "adopted"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Outcome.objects.exists()
    direction.refresh_from_db()
    assert direction.status == "proposed"


def test_an_outcome_cannot_be_deleted_behind_its_direction(admin_client):
    direction = make_direction(code="R1")
    session = make_session(directions=[direction], state="closed")
    outcome = Outcome.objects.create(session=session, direction=direction, decision="adopted")
    response = admin_client.post(f"/admin/cases/outcome/{outcome.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_admin_changes_are_in_the_audit_trail_with_what_changed(admin_client):
    session = make_session(directions=[make_direction()], state="draft", title="Oude titel")
    url = f"/admin/cases/boardsession/{session.pk}/change/"
    data = form_data(admin_client.get(url).text)
    data["title"] = "Nieuwe titel"
    admin_client.post(url, data)
    page = admin_client.get("/audit/", {"kind": "admin"}).text
    assert "titel: Oude titel → Nieuwe titel" in page


# --- Item 2: users, roles, passwords, tokens -------------------------------------


def test_a_coordinator_cannot_make_anyone_superuser_or_staff(admin_client, cora, erik):
    for user in (cora, erik):
        url = f"/admin/cases/user/{user.pk}/change/"
        page = admin_client.get(url).text
        for flag in ("is_superuser", "is_staff", "user_permissions", "groups", "password"):
            assert f'name="{flag}"' not in page, flag
        data = form_data(page)
        data.update({"is_superuser": "on", "is_staff": "on", "groups": ["1", "2", "3"]})
        admin_client.post(url, data)
        user.refresh_from_db()
        assert not user.is_superuser
    erik.refresh_from_db()
    assert not erik.is_staff


def test_a_coordinator_cannot_set_another_users_password(admin_client, erik):
    url = f"/admin/cases/user/{erik.pk}/password/"
    assert admin_client.get(url).status_code == 403
    new = {"password1": "Overgenomen-123", "password2": "Overgenomen-123"}
    response = admin_client.post(url, new)
    assert response.status_code == 403
    erik.refresh_from_db()
    assert not erik.check_password("Overgenomen-123")


def test_a_coordinator_gives_and_takes_roles(admin_client, erik, utrecht):
    AuthToken.objects.create(user=erik)
    url = f"/admin/cases/user/{erik.pk}/change/"
    data = form_data(admin_client.get(url).text)
    assert data["roles"] == "executive"
    data["roles"] = ["coordinator"]
    assert admin_client.post(url, data).status_code == 302
    erik.refresh_from_db()
    assert set(erik.groups.values_list("name", flat=True)) == {"coordinator"}
    assert erik.is_staff  # the admin follows the coordinator role
    assert not AuthToken.objects.filter(user=erik).exists()  # a role removed: tokens revoked
    page = admin_client.get("/audit/", {"kind": "user"}).text
    assert "rollen: Bestuurder → –" in page and "rollen: – → Coördinator" in page


def test_a_coordinator_adds_a_user_without_a_password(admin_client, utrecht):
    page = admin_client.get("/admin/cases/user/add/").text
    assert 'name="password1"' not in page
    data = form_data(page)
    data.update(
        {
            "username": "nieuw",
            "first_name": "Nina",
            "organisation": utrecht.pk,
            "roles": ["civil_servant"],
        }
    )
    assert admin_client.post("/admin/cases/user/add/", data).status_code == 302
    user = User.objects.get(username="nieuw")
    assert not user.has_usable_password() and not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["civil_servant"]


def test_a_coordinator_cannot_change_an_administrator(admin_client, db):
    root = User.objects.create_superuser("root", password="root-pass-123")
    assert admin_client.get(f"/admin/cases/user/{root.pk}/change/").status_code in (200, 403)
    data = {"username": "root", "is_active": ""}
    admin_client.post(f"/admin/cases/user/{root.pk}/change/", data)
    root.refresh_from_db()
    assert root.is_active and root.is_superuser


def test_tokens_are_never_readable(client_for, admin_client, erik):
    _instance, token = AuthToken.objects.create(user=erik)
    assert admin_client.get("/admin/knox/authtoken/").status_code == 403
    root = User.objects.create_superuser("root", password="root-pass-123")
    page = client_for(root).get("/admin/knox/authtoken/").text
    assert "erik" in page and token not in page and token[:15] not in page
    assert client_for(root).get("/admin/knox/authtoken/add/").status_code == 403


def test_the_superuser_keeps_the_full_user_admin(client_for, erik):
    root = User.objects.create_superuser("root", password="root-pass-123")
    page = client_for(root).get(f"/admin/cases/user/{erik.pk}/change/").text
    assert 'name="is_superuser"' in page


def test_a_new_user_and_a_role_through_adduser_are_audited(db):
    user = make_user(username="jan", role="executive")
    assert AuditEvent.objects.filter(kind="user", action="created", object_id=user.pk).exists()
    assert AuditEvent.objects.filter(kind="user", action="roles_changed", object_id=user.pk)
    Group.objects.get(name="executive").user_set.clear()
    event = AuditEvent.objects.filter(action="roles_changed", object_id=user.pk).first()
    assert event.changes[0]["new"] == []
