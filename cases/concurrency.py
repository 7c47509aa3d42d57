"""Two people at the same thing: optimistic versions on every edit, and the
database's own conflicts (a deadlock, a serialization failure) told apart
from an outage.

Every edited row (case, choice, role analysis, direction, session) carries a
``version``. A form and an API read carry it along (a hidden field, the
``ETag``); the write in ``actions`` moves it on with one conditional UPDATE
and refuses a save made from an older version (``StaleEdit``), saying who
changed it and when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STALE_HINT = gettext_lazy(
    "Uw invoer staat hieronder nog; neem de wijzigingen van de ander over en sla opnieuw op."
)


class StaleEdit(Exception):
    """The row changed since the form (or the API client) read it."""

    def __init__(self, current: models.Model):
        self.current = current
        self.version = current.version
        self.message = stale_message(current)
        super().__init__(self.message)


def stale_message(current: models.Model) -> str:
    """"Changed by X at T" from the row's latest history record."""
    record = None
    history = getattr(current, "history", None)
    if history is not None:
        record = history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return _("Dit is intussen door iemand anders gewijzigd.") + " " + str(STALE_HINT)
    who = str(record.history_user) if record.history_user else _("iemand anders")
    when = formats.date_format(timezone.localtime(record.history_date), "j F Y H:i")
    return (
        _("Dit is intussen gewijzigd door %(who)s om %(when)s.") % {"who": who, "when": when}
        + " "
        + str(STALE_HINT)
    )


def claim_version(instance: models.Model, expected: int | None) -> None:
    """Move the row's version on by one, if it is still ``expected`` (None:
    whatever it is now), and put the new number on ``instance``. One
    conditional UPDATE, so two saves from the same version cannot both pass.
    Raises StaleEdit otherwise."""
    model = type(instance)
    rows = model._base_manager.filter(pk=instance.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1):
        current = model._base_manager.filter(pk=instance.pk).first()
        if current is None:
            raise model.DoesNotExist
        raise StaleEdit(current)
    instance.version = model._base_manager.filter(pk=instance.pk).values_list(
        "version", flat=True
    ).get()
    instance._version_claimed = True


class Versioned(models.Model):
    """A row edited by people: every save of an existing row moves its
    version on (the admin's too), unless the write already claimed it
    against the version it was made from (``claim_version``)."""

    version = models.PositiveIntegerField(gettext_lazy("versie"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if (
            self.pk is not None
            and not kwargs.get("force_insert")
            and not kwargs.get("update_fields")
            and not getattr(self, "_version_claimed", False)
        ):
            try:
                claim_version(self, None)
            except type(self).DoesNotExist:
                pass  # a new row with a chosen key; Django inserts it
        self._version_claimed = False
        super().save(*args, **kwargs)


def parse_version(value) -> int | None:
    """A version as a form or an ``If-Match`` header gives it: ``3``, ``"3"``,
    ``W/"3"``; None for no (or an unreadable) version."""
    if value is None:
        return None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def etag(version: int) -> str:
    return f'"{version}"'


# --- The database's own conflicts ------------------------------------------

# SQLSTATE of PostgreSQL's retryable conflicts: serialization failure,
# deadlock detected, lock not available.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


def is_retryable_conflict(exc: BaseException | None) -> bool:
    """A deadlock or serialization failure (PostgreSQL) or a locked database
    (SQLite): the request collided with another one and may be tried again;
    the database itself is fine."""
    while exc is not None:
        sqlstate = getattr(exc, "sqlstate", None) or getattr(
            getattr(exc, "diag", None), "sqlstate", None
        )
        if sqlstate in RETRYABLE_SQLSTATES:
            return True
        if type(exc).__module__.startswith("sqlite3") and "locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


CONFLICT_MESSAGE = gettext_lazy(
    "Iemand anders wijzigde dit op hetzelfde moment. Er is niets opgeslagen; probeer het opnieuw."
)


def retry_on_conflict(function, attempts: int = 3):
    """Run a write again when it lost a deadlock or a serialization failure,
    up to ``attempts`` times; inside an outer transaction it cannot be
    retried, so the conflict goes up (and is answered 409)."""
    import functools

    from django.db import OperationalError, connection

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for attempt in range(attempts):
            try:
                return function(*args, **kwargs)
            except OperationalError as exc:
                if (
                    attempt + 1 == attempts
                    or connection.in_atomic_block
                    or not is_retryable_conflict(exc)
                ):
                    raise
        raise AssertionError("unreachable")

    return wrapper
