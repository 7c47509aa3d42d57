"""Notifications: events for a person, in the app and by e-mail
(``cases.notifications`` makes and mails them). Imported by ``cases.models``,
so ``from cases.models import Notification`` holds. It imports nothing of
``cases`` at load time (the foreign keys name their models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees only their own notifications."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One event for one person (``cases.notifications`` makes and mails
    them). Never carries a vote, a position or a result."""

    class Kind(models.TextChoices):
        CASE_SUBMITTED = "case_submitted", _("Casus ingediend")
        CASE_SENT_BACK = "case_sent_back", _("Casus teruggestuurd")
        CASE_PUBLISHED = "case_published", _("Casus gepubliceerd")
        SESSION_OPENED = "session_opened", _("Sessie geopend")
        SESSION_REMINDER = "session_reminder", _("Herinnering: sessie sluit binnenkort")
        REVIEW_DUE = "review_due", _("Evaluatiedatum bereikt")

    class MailState(models.TextChoices):
        PENDING = "pending", _("Wacht op verzending")
        SENT = "sent", _("Verzonden")
        FAILED = "failed", _("Mislukt")
        OFF = "off", _("Niet gemaild (uitgeschakeld)")
        NO_ADDRESS = "no_address", _("Niet gemaild (geen e-mailadres)")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ontvanger"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("casus"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        "cases.BoardSession", verbose_name=_("sessie"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    outcome = models.ForeignKey(
        "cases.Outcome", verbose_name=_("besluit"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    remark = models.TextField(_("opmerking"), max_length=4000, blank=True)
    # A reminder's identity: the same key is never notified twice.
    key = models.CharField(_("sleutel"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    mail_state = models.CharField(
        _("e-mail"), max_length=16, choices=MailState.choices, default=MailState.PENDING
    )
    mail_attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    mail_next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    mail_error = models.TextField(_("laatste fout"), blank=True)
    mailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["mail_state", "mail_next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.recipient}"


class MailOptOut(models.Model):
    """A person's choice not to get e-mail of one kind (it stays in the app)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="mail_opt_outs",
    )
    kind = models.CharField(_("soort"), max_length=32, choices=Notification.Kind.choices)

    class Meta:
        verbose_name = _("afmelding voor e-mail")
        verbose_name_plural = _("afmeldingen voor e-mail")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}"
