"""The three sheets of a portfolio file — cases, choices, role analyses — as
django-import-export resources: the Dutch column of each field, its widget,
how a row finds the record it updates, and the checks across rows (a
duplicate, a choice for a case that is not in the file, another
organisation's case).

The resources share one ``ImportContext``: who imports, into which
organisation by default, the organisations and layers by name (read once),
and the cases of the file by their number, so that the choices and role
analyses can find the case they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import permissions
from ..lifecycle import CASE_STEPS
from ..models import Case, Choice, Layer, Organisation, RoleAnalysis, User
from .cells import CodeWidget, DateWidget, NamedWidget, NamesWidget, TextWidget, cell_text

UNKNOWN_ORGANISATION = gettext_lazy("Onbekende organisatie: “%(value)s”.")
UNKNOWN_LAYER = gettext_lazy("Onbekende laag: “%(value)s”.")


@dataclass
class ImportContext:
    user: object
    organisation: Organisation | None  # the default for rows that name none
    organisations: dict = field(default_factory=dict)
    layers: dict = field(default_factory=dict)
    case_by_nr: dict = field(default_factory=dict)  # Nr → saved Case
    new_case_nrs: set = field(default_factory=set)
    bad_nrs: set = field(default_factory=set)  # Nrs whose case row has problems
    seen: dict = field(default_factory=dict)  # (sheet, key) → the row number it was first on
    existing: dict = field(default_factory=dict)  # (model, key) → the row the file updates

    @property
    def actor(self):
        """The user recorded as author (none when the command line imports)."""
        return self.user if isinstance(self.user, User) else None

    @classmethod
    def for_user(cls, user, organisation: Organisation | None) -> ImportContext:
        layers = {}
        for layer in Layer.objects.all():
            for name in (layer.code, layer.name, layer.get_code_display()):
                layers[str(name).lower()] = layer
        return cls(
            user=user,
            organisation=organisation,
            organisations={o.name.lower(): o for o in Organisation.objects.all()},
            layers=layers,
        )

    def first_seen(self, sheet: str, key, row_number: int) -> int | None:
        """The row where ``key`` was seen before on this sheet, or None."""
        return self.seen.setdefault((sheet, key), row_number) if key else None


def _text(column: str, attribute: str) -> Field:
    return Field(attribute=attribute, column_name=column, widget=TextWidget())


def _code(column: str, attribute: str, choices, required: bool = True) -> Field:
    return Field(
        attribute=attribute, column_name=column, widget=CodeWidget(choices, required=required)
    )


class SheetResource(resources.ModelResource):
    """What the three sheets share: the context, the row checks merged with
    the field errors, the length of texts, the history user."""

    sheet_name = ""
    required_columns: tuple[str, ...] = ()

    def __init__(self, context: ImportContext | None = None, **kwargs):
        self.context = context
        super().__init__(**kwargs)

    def column_of(self, name: str) -> str:
        """The column a field error belongs to ("" for the row as a whole)."""
        if name in self.fields:
            return self.fields[name].column_name
        return ""

    def check_row(self, row, row_number: int) -> dict:
        return {}

    def import_instance(self, instance, row, **kwargs):
        errors = self.check_row(row, kwargs.get("row_number", 0))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for model_field in instance._meta.concrete_fields:
            # full_clean does not check the length of a TextField; the forms do.
            if isinstance(model_field, models.TextField) and model_field.max_length:
                value = getattr(instance, model_field.attname) or ""
                if len(value) > model_field.max_length and model_field.name not in errors:
                    errors[model_field.name] = [
                        _("Te lang: %(length)d tekens, hoogstens %(max)d.")
                        % {"length": len(value), "max": model_field.max_length}
                    ]
        # The widgets resolved every foreign key to a row that exists, and the
        # row checks above found the duplicates: full_clean need not ask the
        # database again per row (a query per key and per constraint). The
        # database constraints still hold the line.
        exclude = set(errors) | {
            f.name for f in instance._meta.concrete_fields if f.is_relation
        }
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.context.actor
        if instance.pk is not None and hasattr(instance, "updated_at"):
            instance.updated_at = timezone.now()  # bulk_update does not touch auto_now

    # In bulk (``Meta.use_bulk``) the rows are written a batch at a time, each
    # with its history rows: a few queries per batch instead of per row.
    bulk_extra_fields: tuple[str, ...] = ("updated_at",)

    def get_bulk_update_fields(self):
        names = [
            f.attribute for f in self.get_import_fields() if f.attribute and not f.readonly
        ]
        return [*names, *self.bulk_extra_fields]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.create_instances:
            return
        try:
            bulk_create_with_history(
                self.create_instances,
                self._meta.model,
                batch_size=batch_size,
                default_user=self.context.actor,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self.update_instances:
            return
        try:
            bulk_update_with_history(
                self.update_instances,
                self._meta.model,
                self.get_bulk_update_fields(),
                batch_size=batch_size,
                default_user=self.context.actor,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()


class CaseResource(SheetResource):
    sheet_name = "Casussen"
    required_columns = ("Nr", "Titel")

    nr = Field(column_name="Nr", widget=TextWidget())
    title = _text("Titel", "title")
    organisation = Field(attribute="organisation", column_name="Organisatie")
    department = _text("Afdeling", "department")
    policy_domain = _code("Beleidsdomein", "policy_domain", Case.PolicyDomain.choices)
    kind = _code("Soort toepassing", "kind", Case.Kind.choices)
    summary = _text("Samenvatting", "summary")
    goal = _text("Doel", "goal")
    contact = _text("Contact", "contact")
    # Exported for the reader; an import leaves the status to the life cycle.
    status = Field(
        attribute="status",
        column_name="Status",
        widget=CodeWidget(Case.Status.choices),
        readonly=True,
    )

    class Meta:
        model = Case
        fields = (
            "nr",
            "title",
            "organisation",
            "department",
            "policy_domain",
            "kind",
            "summary",
            "goal",
            "contact",
            "status",
        )
        import_id_fields = ()
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 500

    bulk_extra_fields = ("updated_at", "updated_by", "status", "review_remark")

    def __init__(self, context: ImportContext | None = None, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["organisation"].widget = NamedWidget(
            context.organisations if context else {}, required=True, unknown=UNKNOWN_ORGANISATION
        )

    def dehydrate_nr(self, case: Case) -> int:
        return case.pk

    def _organisation_cell(self, row) -> str:
        text = cell_text(row.get("Organisatie"))
        if not text and self.context.organisation is not None:
            return self.context.organisation.name
        return text

    def before_import_row(self, row, **kwargs):
        row["Organisatie"] = self._organisation_cell(row)

    def before_import(self, dataset, **kwargs):
        """The cases the file may update, in one query."""
        titles = {cell_text(title) for title in dataset["Titel"]} - {""}
        for case in Case.objects.filter(title__in=titles):
            self.context.existing[(Case, case.organisation_id, case.title)] = case

    def get_instance(self, instance_loader, row):
        organisation = self.context.organisations.get(cell_text(row.get("Organisatie")).lower())
        title = cell_text(row.get("Titel"))
        if organisation is None or not title:
            return None
        return self.context.existing.get((Case, organisation.pk, title))

    def check_row(self, row, row_number: int) -> dict:
        errors = {}
        nr = cell_text(row.get("Nr"))
        if not nr:
            errors["nr"] = [_("Geef elke casus een nummer; de keuzes en rolanalyses verwijzen ernaar.")]
        else:
            first = self.context.first_seen(self.sheet_name, nr, row_number)
            if first != row_number:
                errors["nr"] = [_("Dubbel: Nr %(nr)s staat al op rij %(row)d.") % {"nr": nr, "row": first + 1}]
            title_key = (cell_text(row.get("Organisatie")).lower(), cell_text(row.get("Titel")).lower())
            first = self.context.first_seen(self.sheet_name, title_key, row_number)
            if title_key[1] and first != row_number:
                errors["title"] = [
                    _("Dubbel: deze titel staat al op rij %(row)d.") % {"row": first + 1}
                ]
        organisation = self.context.organisations.get(cell_text(row.get("Organisatie")).lower())
        if organisation is not None and not permissions.can_import_into(self.context.user, organisation):
            errors["organisation"] = [
                _("U mag alleen casussen van uw eigen organisatie importeren.")
            ]
        if errors and nr:
            self.context.bad_nrs.add(nr)
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk and not permissions.can_edit_case(self.context.user, instance):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Deze casus bestaat al en u mag haar niet wijzigen (status “%(status)s”).")
                % {"status": instance.get_status_display()}
            )
        super().validate_instance(instance, errors, validate_unique)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if result.validation_error is not None or result.errors:
            self.context.bad_nrs.add(cell_text(row.get("Nr")))
        return result

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance._import_new = instance.pk is None
        if instance._import_new:
            instance.status = Case.Status.DRAFT
            instance.created_by = self.context.actor
        elif CASE_STEPS["review_again"].may(self.context.user, instance):
            instance.status = CASE_STEPS["review_again"].target
            instance.review_remark = ""
        instance.updated_by = self.context.actor

    def after_save_instance(self, instance, row, **kwargs):
        nr = cell_text(row.get("Nr"))
        if instance._import_new:
            self.context.new_case_nrs.add(nr)
        self.context.case_by_nr[nr] = instance

    def after_import(self, dataset, result, **kwargs):
        """What the choices and role analyses of the file may update: the rows
        of the cases that existed before, in one query each."""
        old_ids = [
            case.pk
            for nr, case in self.context.case_by_nr.items()
            if nr not in self.context.new_case_nrs
        ]
        for choice in Choice.objects.filter(case_id__in=old_ids):
            self.context.existing[(Choice, choice.case_id, choice.layer_id, choice.title)] = choice
        for analysis in RoleAnalysis.objects.filter(case_id__in=old_ids):
            self.context.existing[(RoleAnalysis, analysis.case_id, analysis.counterpart)] = analysis


class CaseRefWidget(TextWidget):
    """The Casusnr of a choice or role analysis: a case on the Casussen sheet."""

    def __init__(self, context: ImportContext | None):
        self.context = context

    def clean(self, value, row=None, **kwargs):
        nr = super().clean(value)
        if not nr:
            raise ValueError(_("Vul het Nr van de casus in (blad Casussen)."))
        case = self.context.case_by_nr.get(nr)
        if case is None:
            if nr in self.context.bad_nrs:
                raise ValueError(
                    _("De casus met Nr %(nr)s heeft zelf problemen (blad Casussen).") % {"nr": nr}
                )
            raise ValueError(_("Geen casus met Nr %(nr)s op het blad Casussen.") % {"nr": nr})
        return case


class CasePartResource(SheetResource):
    """Choices and role analyses: they belong to a case of the file."""

    def __init__(self, context: ImportContext | None = None, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["case"].widget = CaseRefWidget(context)

    def dehydrate_case(self, part) -> int:
        return part.case_id

    def _case(self, row) -> Case | None:
        return self.context.case_by_nr.get(cell_text(row.get("Casusnr")))


class ChoiceResource(CasePartResource):
    sheet_name = "Keuzes"
    required_columns = ("Casusnr", "Laag", "Keuze")

    case = Field(attribute="case", column_name="Casusnr")
    layer = Field(attribute="layer", column_name="Laag")
    title = _text("Keuze", "title")
    context_text = _text("Vraag en context", "context")
    options_considered = _text("Overwogen opties", "options_considered")
    chosen = _text("Gekozen oplossing", "chosen")
    sourcing = _code("Sourcing", "sourcing", Choice.Sourcing.choices)
    maturity = _code("Volwassenheid", "maturity", Choice.Maturity.choices)
    supplier = Field(attribute="supplier", column_name="Leverancier of partner")
    pros = _text("Voordelen", "pros")
    cons = _text("Nadelen", "cons")
    rationale = _text("Onderbouwing", "rationale")
    decided_by = _code("Besloten door", "decided_by", Choice.DecidedBy.choices, required=False)
    decided_on = Field(attribute="decided_on", column_name="Besloten op", widget=DateWidget())

    class Meta:
        model = Choice
        fields = (
            "case",
            "layer",
            "title",
            "context_text",
            "options_considered",
            "chosen",
            "sourcing",
            "maturity",
            "supplier",
            "pros",
            "cons",
            "rationale",
            "decided_by",
            "decided_on",
        )
        import_id_fields = ()
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 500

    def __init__(self, context: ImportContext | None = None, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["layer"].widget = NamedWidget(
            context.layers if context else {}, required=True, unknown=UNKNOWN_LAYER
        )
        self.fields["supplier"].widget = NamedWidget(
            context.organisations if context else {}, required=False, unknown=UNKNOWN_ORGANISATION
        )

    def column_of(self, name: str) -> str:
        return super().column_of("context_text" if name == "context" else name)

    def get_instance(self, instance_loader, row):
        case = self._case(row)
        layer = self.context.layers.get(cell_text(row.get("Laag")).lower())
        title = cell_text(row.get("Keuze"))
        if case is None or layer is None or not title:
            return None
        return self.context.existing.get((Choice, case.pk, layer.pk, title))

    def check_row(self, row, row_number: int) -> dict:
        key = (
            cell_text(row.get("Casusnr")),
            cell_text(row.get("Laag")).lower(),
            cell_text(row.get("Keuze")).lower(),
        )
        first = self.context.first_seen(self.sheet_name, key if all(key) else None, row_number)
        if first is not None and first != row_number:
            return {
                "title": [
                    _("Dubbel: dezelfde keuze in dezelfde laag staat al op rij %(row)d.")
                    % {"row": first + 1}
                ]
            }
        return {}


class RoleAnalysisResource(CasePartResource):
    sheet_name = "Rolanalyses"
    required_columns = ("Casusnr", "Tegenpartij")

    case = Field(attribute="case", column_name="Casusnr")
    counterpart = _code("Tegenpartij", "counterpart", RoleAnalysis.Counterpart.choices)
    role = _code("Rol van de provincie", "role", RoleAnalysis.Role.choices, required=False)
    explanation = _text("Toelichting", "explanation")
    pros = _text("Voordelen", "pros")
    cons = _text("Nadelen", "cons")
    partners = Field(attribute="partners", column_name="Partnerorganisaties", m2m_add=False)

    class Meta:
        model = RoleAnalysis
        fields = ("case", "counterpart", "role", "explanation", "pros", "cons", "partners")
        import_id_fields = ()
        skip_diff = True
        use_transactions = True

    def __init__(self, context: ImportContext | None = None, **kwargs):
        super().__init__(context, **kwargs)
        self.fields["partners"].widget = NamesWidget(
            context.organisations if context else {}, required=False, unknown=UNKNOWN_ORGANISATION
        )

    def get_instance(self, instance_loader, row):
        case = self._case(row)
        counterpart = cell_text(row.get("Tegenpartij")).lower()
        code = self.fields["counterpart"].widget.lookup.get(counterpart)
        if case is None or code is None:
            return None
        return self.context.existing.get((RoleAnalysis, case.pk, code))

    def check_row(self, row, row_number: int) -> dict:
        code = self.fields["counterpart"].widget.lookup.get(
            cell_text(row.get("Tegenpartij")).lower()
        )
        key = (cell_text(row.get("Casusnr")), code)
        first = self.context.first_seen(self.sheet_name, key if all(key) else None, row_number)
        if first is not None and first != row_number:
            return {
                "counterpart": [
                    _("Dubbel: deze casus heeft al een rolanalyse voor deze tegenpartij op rij %(row)d.")
                    % {"row": first + 1}
                ]
            }
        return {}


RESOURCES = (CaseResource, ChoiceResource, RoleAnalysisResource)


def complete_role_analyses(context: ImportContext) -> None:
    """Every case has one role analysis per counterpart: the new cases get
    the ones their file left out, empty, in one query."""
    new_cases = [context.case_by_nr[nr] for nr in context.new_case_nrs]
    RoleAnalysis.objects.bulk_create(
        [RoleAnalysis(case=case, counterpart=c) for case in new_cases for c in RoleAnalysis.Counterpart.values],
        ignore_conflicts=True,
    )
