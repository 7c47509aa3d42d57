"""Django's admin for coordinators. Statuses and states are read-only here:
they move only through the life cycles (``lifecycle.py``), offered as admin
actions that run the same ``actions`` as the pages and the API. A session's
agenda is fixed once it opens; outcomes are recorded only for closed
sessions. Every change made here is written to the audit trail with what
changed (``AuditedAdmin``).

Coordinators manage the users' names, organisations and the three roles,
nothing more: no superuser, staff or permission flags, no passwords of
others. Superusers (the administrators) keep Django's full user admin. API
tokens are stored hashed and never shown.
"""

from importlib import import_module

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from . import actions as domain
from . import audit, permissions
from .lifecycle import CASE_STEPS, SESSION_STEPS
from .models import (
    AgendaItem,
    AuditEvent,
    BoardSession,
    Briefing,
    Case,
    Choice,
    Direction,
    Layer,
    LayerMeaning,
    Organisation,
    Outcome,
    Role,
    RoleAnalysis,
    SignOnIdentity,
    User,
    Vote,
)

admin.site.site_header = _("Stackwork beheer")
admin.site.site_title = _("Stackwork beheer")


def _step_action(steps: dict, name: str, take):
    """An admin action that takes one life-cycle step for each selected row."""
    step = steps[name]

    @admin.action(description=step.label)
    def run(modeladmin, request, queryset):
        taken = 0
        for obj in queryset:
            try:
                take(obj, name, by=request.user)
            except (domain.CaseConflict, domain.InvalidTransition, PermissionDenied) as refusal:
                reason = getattr(refusal, "message", None) or " ".join(
                    getattr(refusal, "messages", [str(refusal)])
                )
                modeladmin.message_user(request, f"{obj}: {reason}", messages.ERROR)
            else:
                taken += 1
        if taken:
            modeladmin.message_user(request, f"{step.done} ({taken})", messages.SUCCESS)

    run.__name__ = f"step_{name}"
    return run


class AuditedAdmin:
    """Writes every addition, change and deletion made in the admin to the
    audit trail, with the fields (and inline rows) that changed."""

    audit_skip: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        request._stackwork_admin_changes = (
            audit.form_changes(form, skip=self.audit_skip) if change else []
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = getattr(request, "_stackwork_admin_changes", [])
        for formset in formsets:
            field = f"inline:{formset.model._meta.label_lower}"
            for obj in formset.new_objects:
                changes.append({"field": field, "old": "", "new": str(obj)})
            for obj, names in formset.changed_objects:
                changes.append({"field": field, "old": "", "new": f"{obj} ({', '.join(names)})"})
            for obj in formset.deleted_objects:
                changes.append({"field": field, "old": str(obj), "new": ""})
        request._stackwork_admin_changes = changes

    def log_addition(self, request, obj, message):
        audit.record(audit.Kind.ADMIN, "created", by=request.user, obj=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        changes = getattr(request, "_stackwork_admin_changes", [])
        audit.record(audit.Kind.ADMIN, "changed", by=request.user, obj=obj, changes=changes)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record(audit.Kind.ADMIN, "deleted", by=request.user, obj=obj)
        return super().log_deletions(request, queryset)


class CoordinatorUserForm(forms.ModelForm):
    """What a coordinator may set on a user: names, e-mail, organisation,
    active or not, and the three roles. Staff access follows the coordinator
    role; a new account has no usable password (single sign-on, or a password
    the user sets through an administrator)."""

    roles = forms.MultipleChoiceField(
        label=_("rollen"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "organisation", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = list(
                self.instance.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )


COORDINATOR_USER_FIELDS = [*CoordinatorUserForm.Meta.fields, "roles"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_staff"]
    list_filter = ["groups", "organisation", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Organisatie"), {"fields": ["organisation"]}),
    ]
    audit_skip = ("roles", "password")  # role changes are recorded by ``audit`` for every door

    @staticmethod
    def _full(request) -> bool:
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        if self._full(request):
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": COORDINATOR_USER_FIELDS})]

    def get_form(self, request, obj=None, **kwargs):
        if not self._full(request):
            kwargs["form"] = CoordinatorUserForm
        return super().get_form(request, obj, **kwargs)

    def get_list_filter(self, request):
        return self.list_filter if self._full(request) else ["organisation", "is_active"]

    def has_change_permission(self, request, obj=None):
        # Only an administrator changes an administrator.
        if obj is not None and obj.is_superuser and not self._full(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not self._full(request):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not self._full(request) and str(id) != str(request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if isinstance(form, CoordinatorUserForm):
            obj.is_staff = Role.COORDINATOR in form.cleaned_data["roles"]
            if not change:
                obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form, CoordinatorUserForm):
            user, wanted = form.instance, set(form.cleaned_data["roles"])
            held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
            if held - wanted:
                user.groups.remove(*Group.objects.filter(name__in=held - wanted))
            if wanted - held:
                user.groups.add(*Group.objects.filter(name__in=wanted - held))


# knox registers an admin that shows digests and offers to make tokens for
# others; it is replaced by this list.
import_module("knox.admin")
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    """Tokens as a list: whose, made when, valid until when. The token itself
    is never stored, so never shown; deleting one revokes it."""

    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignOnIdentity)
class SignOnIdentityAdmin(AuditedAdmin, admin.ModelAdmin):
    """Single sign-on links. A link to an account that holds a role waits for
    a coordinator: tick "confirmed" once you know it is the same person."""

    list_display = ["user", "email", "issuer", "confirmed", "created_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    fields = ["user", "issuer", "subject", "email", "confirmed", "created_at"]
    readonly_fields = ["user", "issuer", "subject", "email", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is read at /audit/."""

    list_display = ["at", "actor", "kind", "action", "subject"]
    list_filter = ["kind"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Layer)
class LayerAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["position", "name", "code"]
    list_display_links = ["name"]
    readonly_fields = ["code", "position"]

    def has_add_permission(self, request):
        return False  # the four layers are fixed; names and descriptions are editable

    def has_delete_permission(self, request, obj=None):
        return False


class ChoiceInline(admin.StackedInline):
    model = Choice
    extra = 0
    autocomplete_fields = ["supplier"]

    def has_delete_permission(self, request, obj=None):
        # A case with choices cited as evidence keeps them (``choice_delete_refusal``).
        if obj is not None and Direction.objects.filter(evidence_choices__case=obj).exists():
            return False
        return super().has_delete_permission(request, obj)
    fields = [
        ("layer", "title"),
        ("sourcing", "maturity", "supplier"),
        "context",
        "options_considered",
        "chosen",
        ("pros", "cons"),
        "rationale",
        ("decided_by", "decided_on"),
    ]


class RoleAnalysisInline(admin.StackedInline):
    model = RoleAnalysis
    extra = 0
    max_num = 3
    autocomplete_fields = ["partners"]
    fields = [("counterpart", "role"), "explanation", ("pros", "cons"), "partners"]


@admin.register(Case)
class CaseAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "organisation",
        "policy_domain",
        "kind",
        "status",
        "is_illustrative",
        "updated_at",
    ]
    list_filter = ["status", "policy_domain", "kind", "organisation", "is_illustrative"]
    list_select_related = ["organisation"]
    search_fields = ["title", "summary", "department"]
    autocomplete_fields = ["organisation"]
    readonly_fields = [
        "status",
        "review_remark",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    inlines = [ChoiceInline, RoleAnalysisInline]
    actions = [
        _step_action(CASE_STEPS, name, lambda case, name, by: domain.do_case_step(case, name, by=by))
        for name, step in CASE_STEPS.items()
        if step.offered
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    # Deleting follows ``permissions.can_delete_case`` one case at a time;
    # there is no bulk delete that would pass by it.
    def has_delete_permission(self, request, obj=None):
        if obj is not None and not permissions.can_delete_case(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        found = super().get_actions(request, action_location)
        found.pop("delete_selected", None)
        return found

    def delete_model(self, request, obj):
        domain.do_delete_case(obj, by=request.user)


@admin.register(Choice)
class ChoiceAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "case", "layer", "sourcing", "maturity", "supplier"]
    list_filter = ["layer", "sourcing", "maturity"]
    list_select_related = ["case", "layer", "supplier"]
    search_fields = ["title", "case__title", "chosen"]
    autocomplete_fields = ["case", "supplier"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and permissions.choice_delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        found = super().get_actions(request, action_location)
        found.pop("delete_selected", None)
        return found


@admin.register(RoleAnalysis)
class RoleAnalysisAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["case", "counterpart", "role"]
    list_filter = ["counterpart", "role"]
    list_select_related = ["case"]
    search_fields = ["case__title", "explanation"]
    autocomplete_fields = ["case", "partners"]


class LayerMeaningInline(admin.TabularInline):
    model = LayerMeaning
    extra = 0
    max_num = 4


@admin.register(Direction)
class DirectionAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "title", "status"]
    list_filter = ["status"]
    readonly_fields = ["status"]  # follows the board's outcomes
    search_fields = ["code", "title", "summary"]
    filter_horizontal = ["evidence_cases", "evidence_choices"]
    inlines = [LayerMeaningInline]


class AgendaItemInline(admin.TabularInline):
    """The agenda is fixed once the session opens: the votes refer to it."""

    model = AgendaItem
    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is None or obj.state == BoardSession.State.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


@admin.register(BoardSession)
class BoardSessionAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "date", "state"]
    list_filter = ["state"]
    search_fields = ["title"]
    readonly_fields = ["state", "opened_at", "closed_at", "created_by"]
    inlines = [AgendaItemInline]

    def get_readonly_fields(self, request, obj=None):
        # Anonymity is chosen before the first vote and then holds.
        if obj is not None and obj.state != BoardSession.State.DRAFT:
            return [*self.readonly_fields, "anonymous"]
        return self.readonly_fields
    date_hierarchy = "date"
    actions = [
        _step_action(SESSION_STEPS, name, domain.do_session_step)
        for name, step in SESSION_STEPS.items()
        if step.offered
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Read-only, and only what the user may see: votes stay secret while a
    session is open, also here."""

    list_display = ["session", "direction", "executive", "position", "points"]
    list_filter = ["session", "direction", "position"]
    list_select_related = ["session", "direction", "executive"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """Outcomes are recorded through ``actions.do_record_outcome``, as on the
    outcomes page: only for a closed session, and the direction's status follows."""

    list_display = ["session", "direction", "decision", "review_date"]
    list_filter = ["decision", "session"]
    list_select_related = ["session", "direction"]
    fields = ["session", "direction", "decision", "statement", "review_date"]

    def get_readonly_fields(self, request, obj=None):
        # An outcome belongs to its session and direction: a new pair is a new outcome.
        return ["session", "direction"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # a decision is recorded anew, not taken back behind the direction

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = BoardSession.objects.filter(state=BoardSession.State.CLOSED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            saved = domain.do_record_outcome(
                session=obj.session,
                direction=obj.direction,
                decision=obj.decision,
                statement=obj.statement,
                review_date=obj.review_date,
                by=request.user,
            )
        except domain.InvalidTransition as refusal:
            raise PermissionDenied(" ".join(refusal.messages)) from refusal
        obj.pk = saved.pk


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["session", "session_state", "created_by", "created_at", "sha256"]
    list_select_related = ["session", "created_by"]
    readonly_fields = [f.name for f in Briefing._meta.fields]

    def has_add_permission(self, request):
        return False


# --- The Algoritmeregister: the same rules and writes as the case page ----------

from . import register  # noqa: E402
from .models import AlgorithmRegistration  # noqa: E402


@admin.register(AlgorithmRegistration)
class AlgorithmRegistrationAdmin(SimpleHistoryAdmin):
    """Registrations follow their case: visible as the case is, changed only by
    its own organisation and coordinators, written through ``register``."""

    list_display = ["__str__", "case", "is_ready", "exported_at"]
    list_select_related = ["choice__case__organisation", "choice__supplier", "choice__layer"]
    search_fields = ["name", "choice__title", "choice__case__title"]
    readonly_fields = ["choice", "version", "updated_by", "exported_at", "exported_digest"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("casus"))
    def case(self, obj):
        return obj.choice.case

    @admin.display(description=_("klaar voor het register"), boolean=True)
    def is_ready(self, obj):
        return not register.problems(register.record(obj.choice, obj))

    def has_add_permission(self, request):
        return False  # a registration comes with its algorithms-layer choice

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_edit_registration(request.user, obj.choice.case)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in form.changed_data if key in register.ENTERED}
        register.do_save_registration(obj.choice, values, version=None, by=request.user)
