from django.urls import path

from . import briefing, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
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
]
