"""The registration form, filled in place on the case page. It takes what
can be stored; whether the register would take it is the readiness
(``cases.register.problems``), shown beside each field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import register
from ..register_model import LONG_TEXT, SHORT_TEXT
from .choices import FocusFirstFieldMixin

HELP = {
    "name": _("Ten hoogste 100 tekens."),
    "description_short": _("In eenvoudige taal (B1), ten hoogste 350 tekens."),
    "organization": _("Eén organisatie, ten hoogste 100 tekens."),
    "category": _("Ten hoogste drie thema's."),
    "begin_date": _("Als jjjj-mm, bijvoorbeeld 2024-03."),
    "end_date": _("Als jjjj-mm; leeg zolang het algoritme in gebruik is."),
    "contact_email": _("Een e-mailadres of een https-link."),
    "website": _("Een https-link."),
    "url": _("Een https-link naar de registratie bij de eigenaar."),
    "goal": _("In eenvoudige taal (B1); opmaak met div, br, p, ul, ol en li mag."),
    "lawful_basis_grouping": _("Eén per regel: titel | link."),
    "impacttoetsen_grouping": _("Eén per regel: titel | link, bijvoorbeeld “DPIA | https://…”."),
    "source_data_grouping": _("Eén per regel: titel | link."),
    "provider": _("Of “Intern ontwikkeld”."),
    "tags": _("Gescheiden door komma's."),
}
FROM_CASE = _("Overgenomen uit de casus; wijzig het als het register iets anders moet tonen.")
SHORT_KEYS = {
    "name",
    "organization",
    "begin_date",
    "end_date",
    "contact_email",
    "website",
    "url",
    "process_index_url",
    "provider",
    "publiccode",
}


def _normalise(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


class RegistrationForm(FocusFirstFieldMixin, forms.Form):
    # The version the form was opened with; a form without one (or with a
    # broken one) is treated as opened before any save: a conflict, not a 500.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, registration: register.Registration, **kwargs):
        values = registration.values
        initial = {"version": registration.version}
        for key in register.ENTERED:
            value = values[key]
            initial[key] = register.format_links(value) if register.FIELD[key].kind == "links" else value
        super().__init__(*args, initial=initial, **kwargs)
        self.registration = registration
        for key in register.ENTERED:
            self.fields[key] = self._field(register.FIELD[key])
            # The register requires it; the form saves without it (a draft).
            self.fields[key].register_required = register.FIELD[key].required

    def _field(self, spec: register.Field) -> forms.Field:
        help_text = HELP.get(spec.key, "")
        if spec.prefilled:
            help_text = f"{help_text} {FROM_CASE}".strip()
        common = {"label": spec.label, "required": False, "help_text": help_text}
        if spec.kind == "themes":
            return forms.MultipleChoiceField(
                choices=[(theme, theme) for theme in register.THEMES],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if spec.kind == "choice":
            return forms.ChoiceField(
                choices=[("", _("Kies…")), *((value, value) for value in spec.values)], **common
            )
        if spec.key in SHORT_KEYS:
            limit = 20 if spec.kind == "date" else SHORT_TEXT
            return forms.CharField(max_length=limit, **common)
        return forms.CharField(
            max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), **common
        )

    def clean(self):
        cleaned = super().clean()
        for key in register.ENTERED:
            if isinstance(cleaned.get(key), str):
                cleaned[key] = _normalise(cleaned[key])
        return cleaned

    def clean_version(self) -> int:
        version = self.cleaned_data.get("version") or ""
        return int(version) if version.isascii() and version.isdigit() else -1

    def set_autofocus(self) -> None:
        """The first field with an error, else the first the register still
        needs, else the first: a keyboard user lands where to type."""
        problems = self.registration.problems
        names = [name for name in self.fields if name != "version"]
        first = next(
            (name for name in names if name in self.errors),
            next((name for name in names if name in problems), names[0]),
        )
        self.fields[first].widget.attrs["autofocus"] = True

    def values(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in register.ENTERED}

    @property
    def rows(self) -> list[tuple]:
        """Each field with what the register says about its saved value; the
        widget is described by its help, its error and that note."""
        problems = self.registration.problems
        rows = []
        for key in register.ENTERED:
            bound = self[key]
            notes = problems.get(key, [])
            described = []
            if bound.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                described.append(f"{bound.auto_id}_error")
            if notes:
                described.append(f"{bound.auto_id}_readiness")
            if described and not getattr(bound.field.widget, "allow_multiple_selected", False):
                bound.field.widget.attrs["aria-describedby"] = " ".join(described)
            rows.append((bound, notes))
        return rows
