from django.urls import path

from . import briefing, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
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
