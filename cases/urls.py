from django.urls import path

from . import audit, briefing, decisions, pages, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("toegankelijkheid", pages.accessibility, name="accessibility"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    # recording cases: the form, the status flow, the stack canvas in place, history
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/<slug:action>/", views.case_status_change, name="case_status"),
    path("cases/<int:pk>/history/", views.case_history_view, name="case_history"),
    path("cases/<int:pk>/choices/new/", views.choice_create, name="choice_create"),
    path("cases/<int:pk>/choices/<int:choice_pk>/", views.choice_detail, name="choice_detail"),
    path("cases/<int:pk>/choices/<int:choice_pk>/edit/", views.choice_edit, name="choice_edit"),
    path(
        "cases/<int:pk>/choices/<int:choice_pk>/delete/",
        views.choice_delete,
        name="choice_delete",
    ),
    path(
        "cases/<int:pk>/roles/<slug:counterpart>/",
        views.roleanalysis_detail,
        name="roleanalysis_detail",
    ),
    path(
        "cases/<int:pk>/roles/<slug:counterpart>/edit/",
        views.roleanalysis_edit,
        name="roleanalysis_edit",
    ),
    # the board briefing (PDF)
    path("sessions/<int:pk>/briefing.pdf", briefing.briefing_pdf, name="briefing_pdf"),
    path("sessions/<int:pk>/briefings/", briefing.briefing_list, name="briefing_list"),
    path("sessions/<int:pk>/briefings/new/", briefing.briefing_generate, name="briefing_generate"),
    path(
        "sessions/<int:pk>/briefings/<int:briefing_id>.pdf",
        briefing.briefing_download,
        name="briefing_download",
    ),
    # directions, the stack map, board sessions: ballot, results and outcomes
    path("directions/", decisions.direction_list, name="direction_list"),
    path("directions/new/", decisions.direction_create, name="direction_create"),
    path("directions/<str:code>/", decisions.direction_detail, name="direction_detail"),
    path("directions/<str:code>/edit/", decisions.direction_edit, name="direction_edit"),
    path("stack-map/", decisions.stack_map, name="stack_map"),
    path("sessions/", decisions.session_list, name="session_list"),
    path("sessions/new/", decisions.session_create, name="session_create"),
    path("sessions/<int:pk>/", decisions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", decisions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/open/", decisions.session_open, name="session_open"),
    path("sessions/<int:pk>/close/", decisions.session_close, name="session_close"),
    path("sessions/<int:pk>/ballot/", decisions.session_ballot, name="session_ballot"),
    path("sessions/<int:pk>/ballot/<str:code>/", decisions.session_vote, name="session_vote"),
    path("sessions/<int:pk>/results/", decisions.session_results, name="session_results"),
    path("sessions/<int:pk>/outcomes/", decisions.session_outcomes, name="session_outcomes"),
    path(
        "sessions/<int:pk>/outcomes/<str:code>/",
        decisions.session_outcome,
        name="session_outcome",
    ),
]
