"""The stored part of a registration in the national Algoritmeregister: what
the civil servant entered or changed. The record itself is built in
``cases.register`` from the case, the choice and this row.

A prefilled field left ``None`` follows the case and the choice; a value
(also an empty one) replaces what the case says. This module imports nothing
of ``cases`` at load time, so ``models.py`` can import it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Storage limits only: the standard's own limits are checked by the readiness
# (``cases.register``), so a text that is too long is kept and pointed out.
LONG_TEXT = 10000
SHORT_TEXT = 1000


def _text(label: str, *, prefilled: bool = False, limit: int = LONG_TEXT):
    if prefilled:
        return models.TextField(label, max_length=limit, null=True, blank=True)
    return models.TextField(label, max_length=limit, blank=True)


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A registration follows the rules of its case."""
        from .models import _case_visible_q  # models imports this module

        q = _case_visible_q(user, "choice__case__")
        return self if q is None else self.filter(q)


class AlgorithmRegistration(models.Model):
    """The Algoritmeregister fields of one algorithms-layer choice."""

    choice = models.OneToOneField(
        "cases.Choice",
        verbose_name=_("keuze"),
        on_delete=models.CASCADE,
        related_name="registration",
    )
    # Prefilled from the case and the choice (None: follow them).
    name = _text(_("naam"), prefilled=True, limit=SHORT_TEXT)
    organization = _text(_("organisatie"), prefilled=True, limit=SHORT_TEXT)
    description_short = _text(_("korte omschrijving"), prefilled=True)
    category = models.JSONField(_("thema"), null=True, blank=True)
    # None: follows the case, like the other prefilled fields.
    status = models.CharField(_("status"), max_length=40, null=True, blank=True)  # noqa: DJ001
    goal = _text(_("doel en impact"), prefilled=True)
    proportionality = _text(_("afwegingen"), prefilled=True)
    methods_and_models = _text(_("technische werking"), prefilled=True)
    provider = _text(_("leverancier"), prefilled=True, limit=SHORT_TEXT)
    # Entered by the civil servant.
    publication_category = models.CharField(_("publicatiecategorie"), max_length=60, blank=True)
    begin_date = models.CharField(_("begindatum"), max_length=20, blank=True)
    end_date = models.CharField(_("einddatum"), max_length=20, blank=True)
    contact_email = _text(_("contactgegevens"), limit=SHORT_TEXT)
    website = _text(_("link naar publiekspagina"), limit=SHORT_TEXT)
    url = _text(_("link naar bronregistratie"), limit=SHORT_TEXT)
    human_intervention = _text(_("menselijke tussenkomst"))
    risks = _text(_("risicobeheer"))
    lawful_basis = _text(_("wettelijke basis"))
    lawful_basis_grouping = _text(_("verwijzingen wettelijke basis"))
    process_index_url = _text(_("link naar verwerkingsregister"), limit=SHORT_TEXT)
    impacttoetsen_grouping = _text(_("verwijzingen impacttoetsen"))
    impacttoetsen = _text(_("toelichting op impacttoetsen"))
    source_data = _text(_("gegevens"))
    source_data_grouping = _text(_("verwijzingen gegevensbronnen"))
    publiccode = _text(_("link naar broncode"), limit=SHORT_TEXT)
    tags = _text(_("zoektermen"))
    # Bookkeeping: the optimistic lock, and what the last export held.
    version = models.PositiveIntegerField(_("versie"), default=0)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exported_at = models.DateTimeField(_("laatst geëxporteerd op"), null=True, blank=True)
    exported_digest = models.CharField(_("inhoud bij de laatste export"), max_length=64, blank=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "version", "exported_at", "exported_digest"]
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("algoritmeregistratie")
        verbose_name_plural = _("algoritmeregistraties")

    def __str__(self) -> str:
        return self.name or str(self.choice)
