"""Django's admin for coordinators. Statuses and states are read-only here:
they move only through the life cycles (``lifecycle.py``), offered as admin
actions that run the same ``actions`` as the pages and the API."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import actions as domain
from . import permissions
from .lifecycle import CASE_STEPS, SESSION_STEPS
from .models import (
    AgendaItem,
    BoardSession,
    Briefing,
    Case,
    Choice,
    Direction,
    Layer,
    LayerMeaning,
    Organisation,
    Outcome,
    RoleAnalysis,
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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "is_staff"]
    list_filter = ["groups", "organisation", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Organisatie"), {"fields": ["organisation"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
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
class CaseAdmin(SimpleHistoryAdmin):
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
class ChoiceAdmin(SimpleHistoryAdmin):
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
class RoleAnalysisAdmin(SimpleHistoryAdmin):
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
class DirectionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "status"]
    list_filter = ["status"]
    readonly_fields = ["status"]  # follows the board's outcomes
    search_fields = ["code", "title", "summary"]
    filter_horizontal = ["evidence_cases", "evidence_choices"]
    inlines = [LayerMeaningInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(BoardSession)
class BoardSessionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "state"]
    list_filter = ["state"]
    search_fields = ["title"]
    readonly_fields = ["state", "opened_at", "closed_at", "created_by"]
    inlines = [AgendaItemInline]
    date_hierarchy = "date"
    actions = [
        _step_action(SESSION_STEPS, name, domain.do_session_step) for name in SESSION_STEPS
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
class OutcomeAdmin(SimpleHistoryAdmin):
    """Outcomes are recorded through ``actions.do_record_outcome``, as on the
    outcomes page: only for a closed session, and the direction's status follows."""

    list_display = ["session", "direction", "decision", "review_date"]
    list_filter = ["decision", "session"]
    list_select_related = ["session", "direction"]
    fields = ["session", "direction", "decision", "statement", "review_date"]

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
