from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
    readonly_fields = ["created_at", "updated_at", "created_by", "updated_by"]
    inlines = [ChoiceInline, RoleAnalysisInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Choice)
class ChoiceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "case", "layer", "sourcing", "maturity", "supplier"]
    list_filter = ["layer", "sourcing", "maturity"]
    list_select_related = ["case", "layer", "supplier"]
    search_fields = ["title", "case__title", "chosen"]
    autocomplete_fields = ["case", "supplier"]


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
    readonly_fields = ["opened_at", "closed_at", "created_by"]
    inlines = [AgendaItemInline]
    date_hierarchy = "date"


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
    list_display = ["session", "direction", "decision", "review_date"]
    list_filter = ["decision", "session"]
    list_select_related = ["session", "direction"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["session", "session_state", "created_by", "created_at", "sha256"]
    list_select_related = ["session", "created_by"]
    readonly_fields = [f.name for f in Briefing._meta.fields]

    def has_add_permission(self, request):
        return False
