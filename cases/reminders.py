"""What happens by the clock: sessions close at their deadline, executives
who have not voted on every direction hear of it before then, coordinators
hear of an outcome whose review date has come, and mail that failed is tried
again.

One run (``run``) does all of it and may run as often as anyone likes: a
reminder has a key and is made once per person (``notifications.notify``),
and a session closes through ``actions.do_session_step`` under the same row
lock as a manual close. Two doors start a run: ``manage.py send_reminders``
(cron) and the task ``send_reminders`` of Django's tasks framework, which
the worker repeats every ``REMINDER_INTERVAL_MINUTES``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.tasks import task
from django.utils import timezone

from . import actions, notifications
from .models import BoardSession, InvalidTransition, Outcome

logger = logging.getLogger(__name__)


def close_sessions_past_deadline(*, now=None) -> list[BoardSession]:
    now = now or timezone.now()
    closed = []
    due = BoardSession.objects.filter(state=BoardSession.State.OPEN, deadline__lte=now)
    for session in due:
        try:
            closed.append(actions.do_session_step(session, "close_at_deadline", by=None))
        except (InvalidTransition, PermissionDenied):
            # closed by hand meanwhile, or its deadline moved past now
            logger.info("Session %s was not closed at its deadline", session.pk)
    return closed


def remind_before_deadline(*, now=None) -> int:
    """Executives who have not voted on every direction of a session that
    closes within ``SESSION_REMINDER_HOURS``: one reminder each, per deadline."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.SESSION_REMINDER_HOURS)
    sessions = BoardSession.objects.filter(
        state=BoardSession.State.OPEN, deadline__gt=now, deadline__lte=soon
    ).annotate(agenda_count=Count("agenda_items"))
    made = 0
    for session in sessions:
        behind = (
            notifications.executives()
            .annotate(voted=Count("votes", filter=Q(votes__session=session)))
            .filter(voted__lt=session.agenda_count)
        )
        made += notifications.notify(
            notifications.Kind.SESSION_REMINDER,
            behind,
            key=f"{session.pk}:{session.deadline:%Y%m%d%H%M}",
            session=session,
        )
    return made


def notify_review_dates(*, today=None) -> int:
    """Coordinators hear once of each outcome whose review date has come
    (within the last ``REVIEW_SOON_DAYS``: an old archive does not flood a
    new coordinator)."""
    today = today or timezone.localdate()
    due = Outcome.objects.filter(
        review_date__lte=today,
        review_date__gt=today - timedelta(days=settings.REVIEW_SOON_DAYS),
        session__state=BoardSession.State.CLOSED,
    )
    made = 0
    for outcome in due:
        made += notifications.notify(
            notifications.Kind.REVIEW_DUE,
            notifications.coordinators(),
            key=f"{outcome.pk}:{outcome.review_date:%Y%m%d}",
            outcome=outcome,
        )
    return made


def run(*, now=None) -> dict:
    """One reminder run: close, remind, notify, deliver."""
    now = now or timezone.now()
    closed = close_sessions_past_deadline(now=now)
    counts = {
        "closed": len(closed),
        "reminders": remind_before_deadline(now=now),
        "review_dates": notify_review_dates(today=timezone.localdate(now)),
    }
    counts.update(notifications.deliver_due())
    return counts


# --- The tasks framework ------------------------------------------------------


@task()
def send_reminders() -> dict:
    """One run, then the next one in ``REMINDER_INTERVAL_MINUTES``."""
    try:
        return run()
    finally:
        schedule_reminders(after=timedelta(minutes=settings.REMINDER_INTERVAL_MINUTES))


@task()
def close_at_deadline(session_id: int) -> bool:
    """Enqueued for a session's deadline when a coordinator sets it; a no-op
    when the deadline moved or the session was closed meanwhile."""
    closed = close_sessions_past_deadline()
    return any(session.pk == session_id for session in closed)


def _pending(task_obj) -> bool:
    """Whether the database queue already holds a run of this task that has
    not started (so a second schedule does not double the chain)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look in
        return False
    return DBTaskResult.objects.filter(task_path=task_obj.module_path, status="READY").exists()


def schedule_reminders(*, after: timedelta | None = None) -> bool:
    """Put the repeating reminder run on the queue, unless it is already
    there. Returns whether it was enqueued."""
    if _pending(send_reminders):
        return False
    runner = send_reminders
    if after:
        runner = runner.using(run_after=timezone.now() + after)
    runner.enqueue()
    return True


def schedule_deadline(session: BoardSession) -> None:
    """A run at the session's deadline, so it closes then and not at the next
    repeat of the reminder run."""
    if session.deadline and session.state != BoardSession.State.CLOSED:
        close_at_deadline.using(run_after=session.deadline).enqueue(session.pk)
