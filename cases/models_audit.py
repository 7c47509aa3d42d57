"""The audit trail's own events, the sign-on identities and the one-time
tokens of create forms. Imported by ``cases.models``, so
``from cases.models import AuditEvent`` holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An event in the audit trail that no history table holds: users and
    roles, tokens, briefings, agendas, evidence, organisations and every
    change made in the admin. ``changes`` lists ``{"field", "old", "new"}``
    with raw values; ``cases.history`` renders them in the reader's language."""

    class Kind(models.TextChoices):
        USER = "user", _("Gebruiker")
        TOKEN = "token", _("Token")
        BRIEFING = "briefing", _("Briefing")
        AGENDA = "agenda", _("Agenda")
        EVIDENCE = "evidence", _("Onderbouwing")
        ORGANISATION = "organisation", _("Organisatie")
        ADMIN = "admin", _("Beheer")

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices)
    action = models.CharField(_("actie"), max_length=32)
    model = models.CharField(_("model"), max_length=64, blank=True)
    object_id = models.BigIntegerField(_("objectnummer"), null=True, blank=True)
    subject = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.action} {self.subject}"


class SignOnIdentity(models.Model):
    """A person at the identity provider: the (issuer, subject) pair that single
    sign-on matches on, never the e-mail address alone. A link to an account
    that holds a role waits for a coordinator's confirmation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="sign_on_identities",
    )
    issuer = models.CharField(_("uitgever"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    email = models.EmailField(_("e-mailadres bij de provider"), blank=True)
    confirmed = models.BooleanField(
        _("bevestigd"),
        default=True,
        help_text=_(
            "Een koppeling aan een account met een rol werkt pas als een coördinator haar "
            "bevestigt."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("inlogidentiteit")
        verbose_name_plural = _("inlogidentiteiten")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_identity_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.subject}@{self.issuer}"


class FormSubmission(models.Model):
    """The one-time token of a create form, claimed by the first post that
    carries it: a second post of the same form finds the object the first
    one made instead of making another (``cases.idempotency``)."""

    token = models.UUIDField(_("formuliertoken"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("object"), null=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("formulierinzending")
        verbose_name_plural = _("formulierinzendingen")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
