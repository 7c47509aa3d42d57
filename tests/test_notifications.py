"""Notifications: made by the events, kept in the app, mailed through a real
SMTP server (aiosmtpd, started in the test), retried when mail fails, never
carrying a vote; reminders sent once; sessions closing at their deadline."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import notifications, reminders
from cases.actions import (
    VoteRefused,
    do_case_step,
    do_cast_vote,
    do_record_outcome,
    do_session_step,
)
from cases.models import BoardSession, MailOptOut, Notification, Outcome, Role, Vote
from tests.factories import (
    make_case,
    make_coordinator,
    make_direction,
    make_session,
    make_user,
    make_vote,
)

Kind = Notification.Kind
MailState = Notification.MailState


# --- A real SMTP server ---------------------------------------------------------


class Inbox:
    """aiosmtpd handler: keeps every message; refuses addresses that start
    with 'refused'."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_server():
    """An SMTP server on a free loopback port; Django's default mailer talks to it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(MAILERS=_smtp_mailers(port), SITE_URL="https://stackwork.test"):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def no_smtp_server():
    """Mail goes to a port where nothing listens: the server is down."""
    with override_settings(MAILERS=_smtp_mailers(_free_port())):
        yield


@pytest.fixture
def draft(utrecht):
    """A complete draft case of Utrecht (every layer, every role analysis), so
    it can be submitted: an incomplete case cannot be."""
    return make_case(
        organisation=utrecht, title="Concept Utrecht", status="draft", with_parts=True
    )


# --- Personas with addresses --------------------------------------------------------


@pytest.fixture
def cora_mail(cora):
    cora.email = "cora@provincie.test"
    cora.save()
    return cora


@pytest.fixture
def alice_mail(alice):
    alice.email = "alice@provincie.test"
    alice.save()
    return alice


@pytest.fixture
def erik_mail(erik):
    erik.email = "erik@provincie.test"
    erik.save()
    return erik


def _parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.get_content_maintype() == "text"
    }


# --- Events ---------------------------------------------------------------------


def test_a_submitted_case_reaches_the_coordinators_by_smtp_in_both_parts(
    smtp_server, alice_mail, cora_mail, draft
):
    do_case_step(draft, "submit", by=alice_mail)
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.case) == (cora_mail, Kind.CASE_SUBMITTED, draft)
    assert not Notification.objects.filter(recipient=alice_mail).exists()  # not to the submitter

    counts = notifications.deliver_due()

    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    [message] = smtp_server.messages
    assert smtp_server.envelopes[0].rcpt_tos == ["cora@provincie.test"]
    assert message["To"] == "cora@provincie.test"
    assert message["From"] == "Stackwork <stackwork@localhost>"
    assert message["Subject"] == "Stackwork: Casus ingediend: Concept Utrecht"
    assert message["Content-Language"] == "nl"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] == "<https://stackwork.test/notifications/settings/>"
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    case_url = f"https://stackwork.test/cases/{draft.pk}/"
    assert (
        "De casus “Concept Utrecht” van Provincie Utrecht wacht op uw beoordeling."
        in parts["text/plain"]
    )
    assert case_url in parts["text/plain"]
    assert f'href="{case_url}"' in parts["text/html"]
    assert '<html lang="nl">' in parts["text/html"]
    note.refresh_from_db()
    assert note.mail_state == MailState.SENT and note.mailed_at is not None


def test_mail_comes_in_the_recipients_language(smtp_server, alice_mail, cora_mail, draft):
    cora_mail.language = "en"
    cora_mail.save()
    do_case_step(draft, "submit", by=alice_mail)
    notifications.deliver_due()
    [message] = smtp_server.messages
    assert message["Subject"] == "Stackwork: Case submitted: Concept Utrecht"
    assert message["Content-Language"] == "en"
    plain = _parts(message)["text/plain"]
    assert "is waiting for your review" in plain
    assert "wacht op" not in plain


def test_sent_back_reaches_the_organisation_with_the_remark_and_the_case_shows_it(
    client_for, alice_mail, bob, cora, draft
):
    do_case_step(draft, "submit", by=alice_mail)
    do_case_step(draft, "send_back", by=cora, remark="Vul de datalaag aan.")
    note = Notification.objects.get(kind=Kind.CASE_SENT_BACK)
    assert note.recipient == alice_mail and note.remark == "Vul de datalaag aan."
    assert not Notification.objects.filter(recipient=bob).exists()  # another province

    notifications.deliver_due()  # the test mailer (locmem)
    [message] = mail.outbox
    assert message.to == ["alice@provincie.test"]
    assert "Vul de datalaag aan." in message.body

    page = client_for(alice_mail).get(draft.get_absolute_url()).content.decode()
    assert "Teruggestuurd" in page and "Vul de datalaag aan." in page


def test_published_reaches_the_organisation(alice_mail, cora, draft):
    do_case_step(draft, "submit", by=alice_mail)
    do_case_step(draft, "publish", by=cora)
    assert Notification.objects.filter(kind=Kind.CASE_PUBLISHED, recipient=alice_mail).count() == 1


def test_session_opened_reaches_executives_with_the_link_and_the_date(smtp_server, erik_mail):
    session = make_session(directions=[make_direction()], state="draft", title="Raad december")
    session.deadline = timezone.now() + timedelta(days=3)
    session.save()
    do_session_step(session, "open", by=make_coordinator())
    notifications.deliver_due()
    [message] = smtp_server.messages
    assert message["Subject"] == "Stackwork: Sessie open voor stemmen: Raad december"
    plain = _parts(message)["text/plain"]
    assert "van 1 december 2026 is open voor stemmen" in plain
    assert "U kunt stemmen tot" in plain
    assert f"https://stackwork.test/sessions/{session.pk}/ballot/" in plain


def test_no_mail_ever_carries_a_vote_a_position_or_a_result(
    settings, utrecht, alice_mail, cora_mail, erik_mail
):
    """Every kind of notification, made while votes with telling reasons are
    in an open session: not one mail names a position, a reason or a count."""
    first, second = make_direction(code="R1"), make_direction(code="R2")
    session = make_session(directions=[first, second], state="draft")
    session.deadline = timezone.now() + timedelta(hours=2)
    session.save()
    do_session_step(session, "open", by=cora_mail)
    other = make_user(username="ex2", role=Role.EXECUTIVE)
    make_vote(
        session=session,
        direction=first,
        executive=other,
        position="strongly_oppose",
        reason="GEHEIME-REDEN-TEGEN",
        points=7,
    )
    make_vote(
        session=session,
        direction=first,
        executive=erik_mail,
        position="support",
        reason="GEHEIME-REDEN-VOOR",
        points=3,
    )
    reminders.remind_before_deadline()  # erik has not voted on R2
    case = make_case(organisation=utrecht, status="draft", with_parts=True)
    do_case_step(case, "submit", by=alice_mail)
    do_case_step(case, "send_back", by=cora_mail, remark="Graag aanvullen.")
    do_case_step(case, "submit", by=alice_mail)
    do_case_step(case, "publish", by=cora_mail)
    closed = make_session(directions=[first], state="open")
    make_vote(session=closed, direction=first, executive=other, position="oppose", reason="X")
    closed = do_session_step(closed, "close", by=cora_mail)
    do_record_outcome(
        session=closed, direction=first, decision="adopted", review_date=timezone.localdate()
    )
    reminders.notify_review_dates()

    erik_mail.language = "en"
    erik_mail.save()

    notifications.deliver_due()

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    assert {m.to[0] for m in mail.outbox} == {
        "alice@provincie.test",
        "cora@provincie.test",
        "erik@provincie.test",
    }
    secrets = ["GEHEIME-REDEN", "punten", "points", "prioriteit", "priority"]
    for language in ("nl", "en"):
        with translation.override(language):
            secrets += [str(label) for label in Vote.Position.labels]
            secrets += [str(label) for label in Outcome.Decision.labels]
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0].content
        for secret in secrets:
            assert secret not in text, (message.subject, secret)


# --- Failures: kept, retried with back-off, shown to coordinators ----------------------


def test_a_server_that_is_down_loses_nothing_and_is_retried_with_back_off(
    no_smtp_server, alice_mail, cora_mail, draft
):
    do_case_step(draft, "submit", by=alice_mail)
    first = notifications.deliver_due()
    assert first == {"sent": 0, "retry": 1, "failed": 0}
    note = Notification.objects.get()
    assert note.mail_state == MailState.PENDING and note.mail_attempts == 1
    assert "ConnectionRefusedError" in note.mail_error
    assert note.mail_next_attempt_at > timezone.now()
    # still in the in-app list
    assert Notification.objects.visible_to(cora_mail).unread().count() == 1
    # not tried again before its time
    assert notifications.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    later = notifications.deliver_due(now=note.mail_next_attempt_at + timedelta(seconds=1))
    assert later["retry"] == 1
    note.refresh_from_db()
    assert note.mail_attempts == 2
    gap = note.mail_next_attempt_at - timezone.now()
    assert timedelta(minutes=1, seconds=30) < gap <= timedelta(minutes=2)  # doubled


def test_back_off_grows_and_stops_at_six_hours():
    assert [notifications.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [
        1,
        2,
        4,
        8,
    ]
    assert notifications.retry_delay(20) == timedelta(hours=6)


def test_after_the_last_attempt_the_coordinator_sees_the_failed_delivery(
    settings, client_for, no_smtp_server, alice_mail, cora_mail, draft
):
    settings.MAIL_MAX_ATTEMPTS = 2
    do_case_step(draft, "submit", by=alice_mail)
    far = timezone.now() + timedelta(days=1)
    notifications.deliver_due()
    assert notifications.deliver_due(now=far) == {"sent": 0, "retry": 0, "failed": 1}
    note = Notification.objects.get()
    assert note.mail_state == MailState.FAILED

    client = client_for(cora_mail)
    home = client.get("/").content.decode()
    assert "1 e-mail is niet aangekomen." in home
    page = client.get(reverse("mail_failures")).content.decode()
    assert (
        "cora@provincie.test" in page and "Opgegeven" in page and "ConnectionRefusedError" in page
    )

    response = client.post(reverse("mail_failures"), {"retry": [str(note.pk), "x"]})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.mail_state == MailState.PENDING and note.mail_attempts == 0


def test_failed_deliveries_are_for_coordinators_only(client_for, alice, erik, olga):
    for persona in (alice, erik, olga):
        assert client_for(persona).get(reverse("mail_failures")).status_code == 403


def test_a_refused_address_is_kept_and_retried(smtp_server, alice_mail, cora_mail, draft):
    cora_mail.email = "refused@provincie.test"
    cora_mail.save()
    do_case_step(draft, "submit", by=alice_mail)
    assert notifications.deliver_due()["retry"] == 1
    note = Notification.objects.get()
    assert "SMTPRecipientsRefused" in note.mail_error and note.mail_state == MailState.PENDING
    assert smtp_server.messages == []


def test_without_an_address_the_notification_stays_in_the_app(alice_mail, cora, draft):
    do_case_step(draft, "submit", by=alice_mail)
    note = Notification.objects.get()
    assert note.mail_state == MailState.NO_ADDRESS
    assert notifications.deliver_due()["sent"] == 0 and mail.outbox == []


# --- Preferences -----------------------------------------------------------------


def test_the_settings_page_unsubscribes_per_kind_and_sets_the_language(
    client_for, alice_mail, cora_mail, draft
):
    client = client_for(cora_mail)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "Casus ingediend" in page and "Evaluatiedatum bereikt" in page
    assert "Sessie geopend" not in page  # not an executive
    response = client.post(
        reverse("notification_settings"),
        {"language": "en", "mail_review_due": "on"},  # case_submitted unticked
    )
    assert response.status_code == 302
    assert set(MailOptOut.objects.filter(user=cora_mail).values_list("kind", flat=True)) == {
        Kind.CASE_SUBMITTED
    }
    cora_mail.refresh_from_db()
    assert cora_mail.language == "en"

    do_case_step(draft, "submit", by=alice_mail)
    note = Notification.objects.get()
    assert note.mail_state == MailState.OFF  # in the app, not by mail
    notifications.deliver_due()
    assert mail.outbox == []

    client.post(reverse("notification_settings"), {"language": "nl", "mail_case_submitted": "on"})
    assert not MailOptOut.objects.filter(user=cora_mail, kind=Kind.CASE_SUBMITTED).exists()


def test_the_settings_page_keeps_bad_input_with_a_message(client_for, cora):
    response = client_for(cora).post(reverse("notification_settings"), {"language": "xx"})
    assert response.status_code == 200
    assert "Kies een van de talen uit de lijst." in response.content.decode()


# --- The in-app list -------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_list_marks_read(client_for, alice, cora, draft):
    do_case_step(draft, "submit", by=alice)
    client = client_for(cora)
    page = client.get("/").content.decode()
    assert 'class="badge badge--count">1<span class="visually-hidden"> ongelezen</span>' in page
    listing = client.get(reverse("notification_list")).content.decode()
    assert "U heeft 1 ongelezen melding." in listing
    assert "Casus ingediend: Concept Utrecht" in listing
    note = Notification.objects.get()
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert "badge--count" not in client.get("/").content.decode()


def test_mark_all_read(client_for, alice, cora, draft, published):
    do_case_step(draft, "submit", by=alice)
    client = client_for(cora)
    response = client.post(reverse("notification_read"), {"next": "https://evil.test/"})
    assert response.status_code == 302 and response["Location"] == reverse("notification_list")
    assert not Notification.objects.unread().exists()


def test_nobody_opens_anothers_notification(client_for, alice, bob, cora, draft):
    do_case_step(draft, "submit", by=alice)
    note = Notification.objects.get()
    assert client_for(bob).get(reverse("notification_open", args=[note.pk])).status_code == 404
    assert (
        "Concept Utrecht" not in client_for(bob).get(reverse("notification_list")).content.decode()
    )
    note.refresh_from_db()
    assert note.read_at is None


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notification_list"))
    assert response.status_code == 302 and "/login" in response["Location"]


# --- Reminders, sent once ----------------------------------------------------------


@pytest.fixture
def closing_session(erik):
    first, second = make_direction(code="R1"), make_direction(code="R2")
    session = make_session(directions=[first, second], state="open")
    session.deadline = timezone.now() + timedelta(hours=5)
    session.save()
    return session


def test_executives_who_have_not_voted_on_everything_are_reminded_once(closing_session, erik):
    done = make_user(username="klaar", role=Role.EXECUTIVE)
    for direction in closing_session.directions.all():
        make_vote(session=closing_session, direction=direction, executive=done)
    partly = make_user(username="half", role=Role.EXECUTIVE)
    make_vote(
        session=closing_session, direction=closing_session.directions.first(), executive=partly
    )

    assert reminders.remind_before_deadline() == 2
    assert reminders.remind_before_deadline() == 0
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    reminded = set(
        Notification.objects.filter(kind=Kind.SESSION_REMINDER).values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {"erik", "half"}


def test_no_reminder_for_a_deadline_far_away(closing_session):
    closing_session.deadline = timezone.now() + timedelta(days=3)
    closing_session.save()
    assert reminders.remind_before_deadline() == 0


def test_a_review_date_reached_is_told_to_coordinators_once(cora, erik):
    direction = make_direction()
    session = make_session(directions=[direction], state="open")
    session = do_session_step(session, "close", by=cora)
    do_record_outcome(
        session=session,
        direction=direction,
        decision="adopted",
        review_date=timezone.localdate() + timedelta(days=5),
    )
    assert reminders.notify_review_dates() == 0  # not yet
    assert reminders.notify_review_dates(today=timezone.localdate() + timedelta(days=5)) == 1
    assert reminders.notify_review_dates(today=timezone.localdate() + timedelta(days=6)) == 0
    note = Notification.objects.get(kind=Kind.REVIEW_DUE)
    assert note.recipient == cora


# --- The deadline: the session closes itself ------------------------------------------


def test_a_session_closes_itself_at_its_deadline_and_takes_no_vote_after(closing_session, erik):
    direction = closing_session.directions.first()
    assert reminders.close_sessions_past_deadline() == []  # not yet
    BoardSession.objects.filter(pk=closing_session.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    [closed] = reminders.close_sessions_past_deadline()
    closed.refresh_from_db()
    assert closed.state == BoardSession.State.CLOSED and closed.closed_at is not None
    assert reminders.close_sessions_past_deadline() == []  # once
    with pytest.raises(VoteRefused):
        do_cast_vote(
            session=closed, executive=erik, direction=direction, position="support", points=0
        )


def test_the_deadline_step_is_refused_before_the_deadline(closing_session):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_session_step(closing_session, "close_at_deadline", by=None)
    closing_session.refresh_from_db()
    assert closing_session.state == BoardSession.State.OPEN


def test_the_deadline_task_closes_the_session(closing_session):
    BoardSession.objects.filter(pk=closing_session.pk).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    assert reminders.close_at_deadline.call(closing_session.pk) is True
    closing_session.refresh_from_db()
    assert closing_session.is_closed


def test_a_coordinator_sets_the_deadline_and_the_close_is_scheduled(client_for, cora):
    from django_tasks_db.models import DBTaskResult

    session = make_session(directions=[make_direction()], state="draft", title="Met deadline")
    client = client_for(cora)
    url = reverse("session_edit", args=[session.pk])
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"title": "Met deadline", "date": "2026-12-01", "deadline": past})
    assert response.status_code == 200
    assert "Kies een moment in de toekomst." in response.content.decode()
    session.refresh_from_db()
    assert session.deadline is None

    future = timezone.localtime() + timedelta(days=2)
    response = client.post(
        url,
        {
            "title": "Met deadline",
            "date": "2026-12-01",
            "deadline": future.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.deadline is not None
    job = DBTaskResult.objects.get(task_path="cases.reminders.close_at_deadline")
    assert job.args_kwargs["args"] == [session.pk]
    assert abs((job.run_after - session.deadline).total_seconds()) < 1
    page = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Sluit vanzelf op" in page


# --- The tasks framework and the command ---------------------------------------------


def test_schedule_puts_one_repeating_run_on_the_queue(db, capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("send_reminders", "--schedule")
    call_command("send_reminders", "--schedule")
    assert DBTaskResult.objects.filter(task_path="cases.reminders.send_reminders").count() == 1
    assert "already on the task queue" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_reminders_and_delivers_and_schedules_the_next_run(
    stack_basics, smtp_server, settings
):
    from django_tasks_db.models import DBTaskResult

    coordinator = make_user(username="coord", role=Role.COORDINATOR)
    coordinator.email = "coord@provincie.test"
    coordinator.save()
    direction = make_direction()
    session = make_session(directions=[direction], state="open")
    session = do_session_step(session, "close", by=coordinator)
    do_record_outcome(
        session=session, direction=direction, decision="adopted", review_date=timezone.localdate()
    )
    reminders.schedule_reminders()

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    [message] = smtp_server.messages
    assert message["Subject"].startswith("Stackwork: Evaluatiedatum bereikt")
    runs = DBTaskResult.objects.filter(task_path="cases.reminders.send_reminders")
    assert runs.filter(status="SUCCESSFUL").count() == 1
    [following] = runs.filter(status="READY")
    assert following.run_after > timezone.now() + timedelta(
        minutes=settings.REMINDER_INTERVAL_MINUTES - 1
    )


def test_the_command_prints_what_it_did(capsys, closing_session):
    call_command("send_reminders")
    assert "reminders: 1" in capsys.readouterr().out


def test_email_url_configures_the_default_mailer(monkeypatch):
    import stackwork.settings as project_settings

    monkeypatch.setenv("EMAIL_URL", "smtp://post%40prov.nl:geheim@smtp.prov.nl:587/?tls=True")
    mailer = project_settings._mailer()
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.prov.nl",
            "port": 587,
            "username": "post@prov.nl",
            "password": "geheim",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 20,
        },
    }
    monkeypatch.delenv("EMAIL_URL")
    monkeypatch.setenv("EMAIL_HOST", "mail.prov.nl")
    monkeypatch.setenv("EMAIL_USE_SSL", "yes")
    options = project_settings._mailer()["OPTIONS"]
    assert (options["host"], options["port"], options["use_ssl"]) == ("mail.prov.nl", None, True)


def test_a_session_whose_deadline_has_passed_cannot_be_opened(cora):
    from cases.models import InvalidTransition

    session = make_session(directions=[make_direction()], state="draft")
    BoardSession.objects.filter(pk=session.pk).update(
        deadline=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(InvalidTransition, match="deadline"):
        do_session_step(session, "open", by=cora)
    session.refresh_from_db()
    assert session.state == BoardSession.State.DRAFT
