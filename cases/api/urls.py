from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from .alignment import CaseAlignmentView, ChoiceExplanationView, PortfolioView
from .register import AlgoritmeregisterView
from .spreadsheets import CaseImportView
from .tokens import TokenView
from .views import (
    BoardSessionViewSet,
    CaseViewSet,
    ChoiceViewSet,
    DirectionViewSet,
    DocsView,
    LayerViewSet,
    OrganisationViewSet,
    RoleAnalysisViewSet,
    SchemaView,
    UnknownEndpoint,
)

app_name = "api"

router = SimpleRouter()
router.register("layers", LayerViewSet, basename="layer")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("cases", CaseViewSet, basename="case")
router.register("choices", ChoiceViewSet, basename="choice")
router.register("role-analyses", RoleAnalysisViewSet, basename="roleanalysis")
router.register("directions", DirectionViewSet, basename="direction")
router.register("sessions", BoardSessionViewSet, basename="session")


# DRF exempts its views from LoginRequiredMiddleware: they answer 401/403 in
# JSON themselves (token or session). The docs are a page for people, so
# without a login they go to the login page like every other page.
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", login_required(DocsView.as_view()), name="docs"),
    path("cases/import/", CaseImportView.as_view(), name="case_import"),
    # comply or explain (cases.alignment)
    path("cases/<int:pk>/alignment/", CaseAlignmentView.as_view(), name="case-alignment"),
    path(
        "choices/<int:pk>/explanations/<str:code>/",
        ChoiceExplanationView.as_view(),
        name="choice-explanation",
    ),
    path("alignment/", PortfolioView.as_view(), name="alignment"),
    *router.urls,
    path("algoritmeregister/", AlgoritmeregisterView.as_view(), name="algoritmeregister"),
    re_path(r"", UnknownEndpoint.as_view()),
]
