"""Comply or explain (pas toe of leg uit): the guidance rules of a direction,
the explanations of deviations and the alignment figures recorded when a
session closes. The verdicts themselves are computed, never stored
(``cases.alignment``). Registered from ``CasesConfig.ready``, beside
``models.py`` so that module stays readable."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .models import BoardSession, Choice, Direction, Layer, Organisation, RoleAnalysis


class GuidanceRule(models.Model):
    """A checkable rule of a direction (richtlijn): for a layer (or all
    layers) the values of a choice's property that follow the direction, or
    for a counterpart the roles that follow it. In force while the direction
    is adopted."""

    class Property(models.TextChoices):
        MATURITY = "maturity", _("Volwassenheid")
        SOURCING = "sourcing", _("Sourcing")
        SUPPLIER_KIND = "supplier_kind", _("Soort leverancier")
        COUNTERPART_ROLE = "counterpart_role", _("Rol tegenover een tegenpartij")

    # A choice without a supplier organisation, for supplier-kind rules.
    NO_SUPPLIER = "none"

    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    layer = models.ForeignKey(
        Layer,
        verbose_name=_("laag"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leeg: alle lagen."),
    )
    property = models.CharField(_("eigenschap"), max_length=20, choices=Property.choices)
    counterpart = models.CharField(
        _("tegenpartij"), max_length=32, choices=RoleAnalysis.Counterpart.choices, blank=True
    )
    values = models.JSONField(_("waarden die de richting volgen"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["direction__code", "pk"]
        verbose_name = _("richtlijn")
        verbose_name_plural = _("richtlijnen")

    def __str__(self) -> str:
        return f"{self.direction.code} – {self.get_property_display()}"

    @classmethod
    def value_choices(cls, prop: str) -> list[tuple[str, str]]:
        """The values a rule on this property may name."""
        if prop == cls.Property.MATURITY:
            return list(Choice.Maturity.choices)
        if prop == cls.Property.SOURCING:
            return list(Choice.Sourcing.choices)
        if prop == cls.Property.SUPPLIER_KIND:
            return [*Organisation.Kind.choices, (cls.NO_SUPPLIER, _("Geen leverancier"))]
        if prop == cls.Property.COUNTERPART_ROLE:
            return list(RoleAnalysis.Role.choices)
        return []

    def clean(self) -> None:
        errors = {}
        if self.property not in self.Property.values:
            errors["property"] = _("Kies een eigenschap uit de lijst.")
        values = self.values if isinstance(self.values, list) else []
        if not values:
            errors["values"] = _("Kies ten minste één waarde die de richting volgt.")
        else:
            allowed = {value for value, _label in self.value_choices(self.property)}
            wrong = [str(value) for value in values if value not in allowed]
            if wrong and "property" not in errors:
                errors["values"] = _("Deze waarden passen niet bij de eigenschap: %(values)s.") % {
                    "values": ", ".join(wrong)
                }
        if self.property == self.Property.COUNTERPART_ROLE:
            if self.counterpart not in RoleAnalysis.Counterpart.values:
                errors["counterpart"] = _("Kies de tegenpartij waarop de regel betrekking heeft.")
            if self.layer_id is not None:
                errors["layer"] = _("Een regel over een rol geldt niet voor een laag.")
        elif self.counterpart:
            errors["counterpart"] = _("Alleen een regel over een rol heeft een tegenpartij.")
        if errors:
            raise ValidationError(errors)

    def labels(self) -> list[str]:
        names = dict(self.value_choices(self.property))
        return [str(names.get(value, value)) for value in self.values]


class DeviationExplanation(models.Model):
    """Why a choice or role analysis deviates from an adopted direction (pas
    toe of leg uit). Dropped, and kept in history, once it follows."""

    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.CASCADE,
        related_name="explanations",
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("keuze"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="explanations",
    )
    role_analysis = models.ForeignKey(
        RoleAnalysis,
        verbose_name=_("rolanalyse"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="explanations",
    )
    text = models.TextField(_("uitleg"), max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("uitleg bij een afwijking")
        verbose_name_plural = _("uitleg bij afwijkingen")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "choice"], name="one_explanation_per_choice"
            ),
            models.UniqueConstraint(
                fields=["direction", "role_analysis"], name="one_explanation_per_role_analysis"
            ),
            models.CheckConstraint(
                condition=Q(choice__isnull=False, role_analysis__isnull=True)
                | Q(choice__isnull=True, role_analysis__isnull=False),
                name="explanation_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction.code}: {self.text[:60]}"


class AlignmentSnapshot(models.Model):
    """The alignment figures of one direction at the moment a session closed."""

    session = models.ForeignKey(
        BoardSession, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="alignment"
    )
    direction = models.ForeignKey(
        Direction, verbose_name=_("ontwikkelrichting"), on_delete=models.CASCADE, related_name="+"
    )
    follows = models.PositiveIntegerField(_("volgt"), default=0)
    deviates_explained = models.PositiveIntegerField(_("wijkt af, met uitleg"), default=0)
    deviates_unexplained = models.PositiveIntegerField(_("wijkt af, zonder uitleg"), default=0)
    not_applicable = models.PositiveIntegerField(_("niet van toepassing"), default=0)
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("stand van de naleving")
        verbose_name_plural = _("standen van de naleving")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "direction"], name="one_snapshot_per_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.direction.code}"
