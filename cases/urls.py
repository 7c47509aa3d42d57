"""Stackwork's pages, feature by feature: each block is one module of
``cases/views/`` (and of ``forms/``, ``templates/cases/``, ``tests/``)."""

from django.urls import path, re_path

from .views import (
    alignment,
    audit,
    briefings,
    cases,
    choices,
    directions,
    home,
    notifications,
    pages,
    register,
    sessions,
    spreadsheets,
    stack,
    stackmap,
)

urlpatterns = [
    # home: per role, the own cases, the dashboard, the sessions to prepare
    path("", home.home, name="home"),
    # pages: no login, no data
    path("healthz", pages.healthz, name="healthz"),
    path("toegankelijkheid", pages.accessibility, name="accessibility"),
    # cases: the list, the case page (the stack canvas), its form, life cycle and history
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/<slug:action>/", cases.case_status_change, name="case_status"),
    path("cases/<int:pk>/delete/", cases.case_delete, name="case_delete"),
    path("cases/<int:pk>/history/", cases.case_history_view, name="case_history"),
    # choices: the canvas edited in place, a case's choices and role analyses
    path("cases/<int:pk>/choices/new/", choices.choice_create, name="choice_create"),
    path("cases/<int:pk>/choices/<int:choice_pk>/", choices.choice_detail, name="choice_detail"),
    path(
        "cases/<int:pk>/choices/<int:choice_pk>/edit/", choices.choice_edit, name="choice_edit"
    ),
    path(
        "cases/<int:pk>/choices/<int:choice_pk>/delete/",
        choices.choice_delete,
        name="choice_delete",
    ),
    path(
        "cases/<int:pk>/roles/<slug:counterpart>/",
        choices.roleanalysis_detail,
        name="roleanalysis_detail",
    ),
    path(
        "cases/<int:pk>/roles/<slug:counterpart>/edit/",
        choices.roleanalysis_edit,
        name="roleanalysis_edit",
    ),
    # stack map: all published cases × the four layers
    path("stack-map/", stackmap.stack_map, name="stack_map"),
    # directions: the list, a direction, the coordinator's form
    path("directions/", directions.direction_list, name="direction_list"),
    path("directions/new/", directions.direction_create, name="direction_create"),
    path("directions/<str:code>/", directions.direction_detail, name="direction_detail"),
    path("directions/<str:code>/edit/", directions.direction_edit, name="direction_edit"),
    # sessions: agenda and turnout, open and close, the ballot, results and outcomes
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/open/", sessions.session_open, name="session_open"),
    path("sessions/<int:pk>/close/", sessions.session_close, name="session_close"),
    path("sessions/<int:pk>/ballot/", sessions.session_ballot, name="session_ballot"),
    path("sessions/<int:pk>/ballot/<str:code>/", sessions.session_vote, name="session_vote"),
    path("sessions/<int:pk>/results/", sessions.session_results, name="session_results"),
    path("sessions/<int:pk>/outcomes/", sessions.session_outcomes, name="session_outcomes"),
    path(
        "sessions/<int:pk>/outcomes/<str:code>/",
        sessions.session_outcome,
        name="session_outcome",
    ),
    # briefings: the PDF of a session, and the records handed out
    path("sessions/<int:pk>/briefing.pdf", briefings.briefing_pdf, name="briefing_pdf"),
    path("sessions/<int:pk>/briefings/", briefings.briefing_list, name="briefing_list"),
    path(
        "sessions/<int:pk>/briefings/new/", briefings.briefing_generate, name="briefing_generate"
    ),
    path(
        "sessions/<int:pk>/briefings/<int:briefing_id>.pdf",
        briefings.briefing_download,
        name="briefing_download",
    ),
    # audit: the whole trail, for coordinators
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    # spreadsheets: import with a preview, the template, exports of the portfolio and results
    path("cases/import/", spreadsheets.import_upload, name="spreadsheet_import"),
    path("cases/import/confirm/", spreadsheets.import_confirm, name="spreadsheet_import_confirm"),
    re_path(
        r"^cases/import/template\.(?P<fmt>ods|xlsx|csv)$",
        spreadsheets.import_template,
        name="spreadsheet_template",
    ),
    re_path(
        r"^cases/export\.(?P<fmt>ods|xlsx|csv)$",
        spreadsheets.portfolio_export,
        name="case_export",
    ),
    re_path(
        r"^sessions/(?P<pk>[0-9]+)/results\.(?P<fmt>ods|xlsx|csv)$",
        spreadsheets.results_export,
        name="results_export",
    ),
    # notifications: the own list and e-mail settings, failed deliveries for coordinators
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/read/", notifications.notification_mark_read, name="notification_read"),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("notifications/failed/", notifications.mail_failures, name="mail_failures"),
    # register: the Algoritmeregister, a registration per algorithms-layer choice
    path(
        "cases/<int:pk>/register/<int:choice_pk>/",
        register.registration_detail,
        name="registration_detail",
    ),
    path(
        "cases/<int:pk>/register/<int:choice_pk>/edit/",
        register.registration_edit,
        name="registration_edit",
    ),
    path("algoritmeregister/", register.register_overview, name="register_overview"),
    path(
        "algoritmeregister/algoritmeregister.<slug:fmt>",
        register.register_download,
        name="register_download",
    ),
    # stack: the four layers explained, the directions in three minutes
    path("stack/", stack.stack, name="stack"),
    path("stack/directions/", stack.directions_reading, name="directions_reading"),
    path("stack/<slug:code>/edit/", stack.layer_edit, name="layer_edit"),
    # alignment: comply or explain — the portfolio, the canvas hint, explanations, rules
    path("alignment/", alignment.portfolio, name="alignment"),
    path("cases/<int:pk>/alignment/hint/", alignment.choice_hint, name="alignment_hint"),
    path(
        "cases/<int:pk>/choices/<int:choice_pk>/explanations/<str:code>/",
        alignment.explain,
        name="explain_choice",
    ),
    path(
        "cases/<int:pk>/roles/<slug:counterpart>/explanations/<str:code>/",
        alignment.explain,
        name="explain_role",
    ),
    path("directions/<str:code>/rules/new/", alignment.rule_form, name="rule_create"),
    path("directions/<str:code>/rules/<int:rule_id>/", alignment.rule_form, name="rule_edit"),
    path(
        "directions/<str:code>/rules/<int:rule_id>/delete/",
        alignment.rule_delete,
        name="rule_delete",
    ),
]
