"""Notifications: an event for a person, kept in the app and sent by e-mail.

The actions that cause an event (``actions.py``) call ``notify_*`` inside
their own transaction, so an event is never lost: the row is there even when
no mail server answers. Delivery runs afterwards, in a task of Django's tasks
framework (``deliver_mail``) and in every reminder run; a failure is tried
again with back-off and, after ``MAIL_MAX_ATTEMPTS``, shown to coordinators.

What a notification says is made here, in the recipient's language, from
the case, session or outcome it points at. It never says how anyone voted,
what position anyone took or how a session came out: the texts below have
no place for it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MailOptOut, Notification, Role, User, roles_of

logger = logging.getLogger(__name__)

Kind = Notification.Kind
MailState = Notification.MailState

# Who each kind is for: the settings page offers a person only their kinds.
KIND_ROLES = {
    Kind.CASE_SUBMITTED: Role.COORDINATOR,
    Kind.REVIEW_DUE: Role.COORDINATOR,
    Kind.CASE_SENT_BACK: Role.CIVIL_SERVANT,
    Kind.CASE_PUBLISHED: Role.CIVIL_SERVANT,
    Kind.SESSION_OPENED: Role.EXECUTIVE,
    Kind.SESSION_REMINDER: Role.EXECUTIVE,
}

KIND_HELP = {
    Kind.CASE_SUBMITTED: gettext_lazy("Een casus is ingediend en wacht op beoordeling."),
    Kind.REVIEW_DUE: gettext_lazy("De evaluatiedatum van een besluit is bereikt."),
    Kind.CASE_SENT_BACK: gettext_lazy("Een casus van uw organisatie is teruggestuurd."),
    Kind.CASE_PUBLISHED: gettext_lazy("Een casus van uw organisatie is gepubliceerd."),
    Kind.SESSION_OPENED: gettext_lazy("Een bestuurlijke sessie is open voor stemmen."),
    Kind.SESSION_REMINDER: gettext_lazy(
        "Een sessie sluit binnenkort en u heeft nog niet op alles gestemd."
    ),
}


# --- Who hears of what -------------------------------------------------------


def _active():
    return User.objects.filter(is_active=True)


def coordinators():
    return _active().filter(Q(groups__name=Role.COORDINATOR) | Q(is_superuser=True)).distinct()


def executives():
    return _active().filter(groups__name=Role.EXECUTIVE).distinct()


def civil_servants_of(organisation_id: int):
    return _active().filter(groups__name=Role.CIVIL_SERVANT, organisation_id=organisation_id)


def kinds_for(user) -> list[str]:
    """The kinds of notification a person can receive, by their roles."""
    roles = roles_of(user)
    return [kind for kind in Kind.values if KIND_ROLES[kind] in roles]


# --- Making notifications ----------------------------------------------------


def notify(kind: str, recipients, *, key: str = "", exclude=None, **about) -> int:
    """One notification of ``kind`` for each recipient, about the given case,
    session or outcome. With a ``key``, a recipient who already has that
    notification does not get it again (a reminder is sent once, however
    often the reminder run goes). Returns how many were made."""
    if exclude is not None:
        recipients = recipients.exclude(pk=exclude.pk)
    users = list(recipients)
    if key:
        already = set(
            Notification.objects.filter(kind=kind, key=key, recipient__in=users).values_list(
                "recipient_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in already]
    if not users:
        return 0
    muted = set(
        MailOptOut.objects.filter(kind=kind, user__in=users).values_list("user_id", flat=True)
    )
    now = timezone.now()

    def state(user) -> str:
        if user.pk in muted:
            return MailState.OFF
        if not user.email:
            return MailState.NO_ADDRESS
        return MailState.PENDING

    rows = [
        Notification(
            recipient=user,
            kind=kind,
            key=key,
            mail_state=state(user),
            mail_next_attempt_at=now,
            **about,
        )
        for user in users
    ]
    # The unique constraint settles two reminder runs racing for one key.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if any(row.mail_state == MailState.PENDING for row in rows):
        transaction.on_commit(schedule_delivery, robust=True)
    return len(rows)


def notify_case_step(case, step_name: str, *, by, remark: str = "") -> None:
    """Called by ``actions`` when a case moved: to review (the coordinators
    hear of it), sent back or published (the case's organisation does)."""
    if case.status == case.Status.SUBMITTED:
        notify(Kind.CASE_SUBMITTED, coordinators(), exclude=by, case=case)
    elif step_name == "send_back":
        notify(
            Kind.CASE_SENT_BACK,
            civil_servants_of(case.organisation_id),
            exclude=by,
            case=case,
            remark=remark,
        )
    elif step_name == "publish":
        notify(Kind.CASE_PUBLISHED, civil_servants_of(case.organisation_id), exclude=by, case=case)


def notify_session_opened(session) -> None:
    notify(Kind.SESSION_OPENED, executives(), session=session)


# --- What a notification says ------------------------------------------------


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def describe(notification: Notification) -> dict:
    """Subject, lines of text and the page it leads to, in the active
    language. Reads the notification's case, session or outcome (with its
    direction and session); never a vote."""
    n = notification
    lines: list[str] = []
    if n.kind == Kind.CASE_SUBMITTED:
        subject = _("Casus ingediend: %(case)s") % {"case": n.case}
        lines.append(
            _("De casus “%(case)s” van %(organisation)s wacht op uw beoordeling.")
            % {"case": n.case, "organisation": n.case.organisation}
        )
        path = n.case.get_absolute_url()
    elif n.kind == Kind.CASE_SENT_BACK:
        subject = _("Casus teruggestuurd: %(case)s") % {"case": n.case}
        lines.append(
            _("Een coördinator heeft de casus “%(case)s” teruggestuurd met deze opmerking:")
            % {"case": n.case}
        )
        lines.append(n.remark)
        path = n.case.get_absolute_url()
    elif n.kind == Kind.CASE_PUBLISHED:
        subject = _("Casus gepubliceerd: %(case)s") % {"case": n.case}
        lines.append(
            _("De casus “%(case)s” is gepubliceerd: iedereen met een rol kan hem nu lezen.")
            % {"case": n.case}
        )
        path = n.case.get_absolute_url()
    elif n.kind == Kind.SESSION_OPENED:
        subject = _("Sessie open voor stemmen: %(session)s") % {"session": n.session}
        lines.append(
            _("De bestuurlijke sessie “%(session)s” van %(date)s is open voor stemmen.")
            % {"session": n.session, "date": _when(n.session.date)}
        )
        if n.session.deadline:
            lines.append(
                _("U kunt stemmen tot %(deadline)s.") % {"deadline": _when(n.session.deadline)}
            )
        path = reverse("session_ballot", args=[n.session_id])
    elif n.kind == Kind.SESSION_REMINDER:
        subject = _("Herinnering: %(session)s sluit %(deadline)s") % {
            "session": n.session,
            "deadline": _when(n.session.deadline),
        }
        lines.append(
            _(
                "U heeft nog niet op alle ontwikkelrichtingen van de sessie “%(session)s” "
                "gestemd. De sessie sluit op %(deadline)s."
            )
            % {"session": n.session, "deadline": _when(n.session.deadline)}
        )
        path = reverse("session_ballot", args=[n.session_id])
    else:  # Kind.REVIEW_DUE
        direction = n.outcome.direction
        subject = _("Evaluatiedatum bereikt: %(direction)s") % {"direction": direction}
        lines.append(
            _(
                "Het besluit over %(direction)s uit de sessie “%(session)s” heeft "
                "%(date)s als evaluatiedatum."
            )
            % {
                "direction": direction,
                "session": n.outcome.session,
                "date": _when(n.outcome.review_date),
            }
        )
        path = reverse("direction_detail", args=[direction.code])
    return {"subject": subject, "lines": [line for line in lines if line], "path": path}


def with_subjects(notifications) -> list[Notification]:
    """Attach ``text`` (``describe``) to each, for the in-app list."""
    for n in notifications:
        n.text = describe(n)
    return list(notifications)


def for_display():
    """The related rows ``describe`` reads, in one query."""
    return Notification.objects.select_related(
        "case__organisation", "session", "outcome__direction", "outcome__session"
    )


# --- E-mail ------------------------------------------------------------------


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification, plain text and HTML, in the
    recipient's language."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = describe(notification)
        context = {
            "recipient": recipient,
            "subject": text["subject"],
            "lines": text["lines"],
            "url": settings.SITE_URL + text["path"],
            "settings_url": settings.SITE_URL + reverse("notification_settings"),
            "language": translation.get_language(),
        }
        plain = render_to_string("cases/notifications/mail/message.txt", context)
        html = render_to_string("cases/notifications/mail/message.html", context)
        subject = "Stackwork: " + " ".join(text["subject"].split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=plain,
        to=[recipient.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": context["language"],
            "List-Unsubscribe": f"<{context['settings_url']}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the attempts so far, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 6 * 60))


def deliver_due(*, now=None, limit: int = 200) -> dict:
    """Send the notifications whose mail is due. Each is taken under its row
    lock (skipping those another worker holds), so two runs never send one
    twice. Returns the counts."""
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(mail_state=MailState.PENDING, mail_next_attempt_at__lte=now)
        .order_by("mail_next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not due:
        return counts
    connection = mailers.default
    try:
        for pk in due:
            with transaction.atomic():
                n = (
                    for_display()
                    .select_related("recipient")
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, mail_state=MailState.PENDING)
                    .first()
                )
                if n is None:
                    continue
                try:
                    connection.send_messages([build_message(n)])
                except Exception as error:  # the server down, the address refused, …
                    n.mail_attempts += 1
                    n.mail_error = f"{type(error).__name__}: {error}"[:2000]
                    if n.mail_attempts >= settings.MAIL_MAX_ATTEMPTS:
                        n.mail_state = MailState.FAILED
                        counts["failed"] += 1
                    else:
                        n.mail_next_attempt_at = timezone.now() + retry_delay(n.mail_attempts)
                        counts["retry"] += 1
                    logger.warning("Mail for notification %s failed: %s", n.pk, n.mail_error)
                else:
                    n.mail_attempts += 1
                    n.mail_state = MailState.SENT
                    n.mailed_at = timezone.now()
                    n.mail_error = ""
                    counts["sent"] += 1
                n.save(
                    update_fields=[
                        "mail_state",
                        "mail_attempts",
                        "mail_next_attempt_at",
                        "mail_error",
                        "mailed_at",
                    ]
                )
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection that never opened
            logger.debug("closing the mail connection failed", exc_info=True)
    return counts


def failed_deliveries():
    """What coordinators see: mail given up on, and mail still being retried."""
    return (
        Notification.objects.filter(
            Q(mail_state=MailState.FAILED) | Q(mail_state=MailState.PENDING, mail_attempts__gt=0)
        )
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def retry_now(notification_ids) -> int:
    """A coordinator asks to try failed mail again (after fixing an address)."""
    return Notification.objects.filter(
        pk__in=notification_ids, mail_state__in=[MailState.FAILED, MailState.PENDING]
    ).update(mail_state=MailState.PENDING, mail_next_attempt_at=timezone.now(), mail_attempts=0)


@task()
def deliver_mail() -> dict:
    """The tasks framework's door to ``deliver_due``."""
    return deliver_due()


def schedule_delivery() -> None:
    deliver_mail.enqueue()


# --- The in-app list ---------------------------------------------------------


def mark_read(user, ids=None) -> int:
    """Mark the user's own notifications read: the given ones, or all."""
    rows = Notification.objects.visible_to(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def set_mail_preferences(user, *, muted: set[str], language: str) -> None:
    """Save which kinds a person receives by e-mail, and in which language."""
    offered = set(kinds_for(user))
    muted = muted & offered
    with transaction.atomic():
        MailOptOut.objects.filter(user=user, kind__in=offered - muted).delete()
        MailOptOut.objects.bulk_create(
            [MailOptOut(user=user, kind=kind) for kind in sorted(muted)], ignore_conflicts=True
        )
        if language != user.language:
            user.language = language
            user.save(update_fields=["language"])
