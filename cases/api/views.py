"""The API's views: one viewset per resource, the token endpoint, the schema
and the docs."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import alignment, permissions
from ..actions import (
    CaseConflict,
    ChoiceGone,
    VoteRefused,
    do_case_step,
    do_cast_vote,
    do_create_case,
    do_create_choice,
    do_delete_case,
    do_delete_choice,
    do_session_step,
    do_update_case,
    do_update_choice,
    do_update_role_analysis,
)
from ..concurrency import StaleEdit, etag, parse_version
from ..forms.cases import CaseFilter
from ..lifecycle import CASE_STEPS, SESSION_STEPS
from ..models import (
    AgendaItem,
    BoardSession,
    Case,
    Choice,
    Direction,
    InvalidTransition,
    Layer,
    LayerMeaning,
    Organisation,
    RoleAnalysis,
    Vote,
)
from ..results import POSITIONS, session_results, turnout
from .errors import ApiSchema, conflict_response, error_response
from .filters import ChoiceFilter, RoleAnalysisFilter
from .serializers import (
    BallotSerializer,
    BoardSessionSerializer,
    CaseActionSerializer,
    CaseSerializer,
    ChoiceSerializer,
    DirectionSerializer,
    LayerSerializer,
    OrganisationSerializer,
    RoleAnalysisSerializer,
    SessionResultsSerializer,
    TurnoutSerializer,
    VoteSerializer,
)


class HasRole(BasePermission):
    """Logged in but without a role in Stackwork: nothing to see."""

    message = _("Uw account heeft nog geen rol in Stackwork.")

    def has_permission(self, request, view) -> bool:
        return permissions.has_any_role(request.user)


class CanEditCase(BasePermission):
    """Writes follow ``can_edit_case`` for a case and for its choices and role analyses."""

    message = permissions.CANNOT_EDIT_CASE

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        case = obj if isinstance(obj, Case) else obj.case
        return permissions.can_edit_case(request.user, case)


class ApiPagination(PageNumberPagination):
    """25 per page; ``page_size`` asks for 1 to 100. A page size that is not a
    positive number is a 400, not quietly the default."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        asked = request.query_params.get(self.page_size_query_param)
        if asked is not None and not (asked.isascii() and asked.isdigit() and int(asked) >= 1):
            raise serializers.ValidationError(
                {self.page_size_query_param: [_("Geef een geheel getal van 1 tot 100.")]}
            )
        return super().get_page_size(request)

    def get_page_number(self, request: Request, paginator) -> str | int:
        # DRF reads an empty ``page`` as page 1; the schema says a whole
        # number, so an empty one is an invalid page (404) like ``page=abc``.
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        return parameters


class ApiMixin:
    """What every API view shares: JSON only, token or session login, a role."""

    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    permission_classes = [IsAuthenticated, HasRole]
    pagination_class = ApiPagination
    schema = ApiSchema()


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("Intussen gewijzigd; lees opnieuw en stuur opnieuw.")
    default_code = "precondition_failed"


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "De ETag (versie) van de lezing waarop de wijziging berust, bijvoorbeeld “3”. "
        "Is het record intussen gewijzigd, dan volgt 412 en wordt niets opgeslagen. "
        "Zonder If-Match geldt geen controle."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_("De versie van het record, voor If-Match bij een wijziging."),
)


def versioned_schema(serializer) -> dict:
    """The schema of a resource with optimistic concurrency: ETag on reads,
    If-Match on writes, 412 when the write is stale."""
    write = extend_schema(
        parameters=[IF_MATCH, ETAG], responses={200: serializer, 412: error_response(412)}
    )
    return {
        "retrieve": extend_schema(parameters=[ETAG]),
        "update": write,
        "partial_update": write,
    }


class VersionedMixin:
    """Reads carry the row's version as ``ETag``; a write with ``If-Match``
    is checked against it in the same conditional UPDATE that saves it
    (``concurrency.claim_version``): stale is 412, nothing saved."""

    def if_match(self) -> int | None:
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        version = parse_version(header.split(",")[0])
        if version is None:
            raise PreconditionFailed(_("If-Match noemt geen versie van dit record, zoals “3”."))
        return version

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.action in ("retrieve", "update", "partial_update")
            and response.status_code == 200
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = etag(data["version"])
        return response

    def save_versioned(self, write, *args, **kwargs):
        try:
            return write(*args, version=self.if_match(), **kwargs)
        except StaleEdit as stale:
            raise PreconditionFailed(stale.message) from stale


def _apply(instance, values: dict):
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


@extend_schema(tags=["lagen"])
class LayerViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The four layers of the digital stack, bottom to top."""

    queryset = Layer.objects.all()
    serializer_class = LayerSerializer


@extend_schema(tags=["organisaties"])
class OrganisationViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filter_backends = [SearchFilter]
    search_fields = ["name"]


_SENT_BACK = _("Een gepubliceerde casus die een ambtenaar wijzigt, gaat terug naar ingediend.")


@extend_schema_view(
    create=extend_schema(
        description=_(
            "Een ambtenaar legt een casus van de eigen organisatie vast (als concept); de drie "
            "rolanalyses worden meteen aangemaakt."
        )
    ),
    update=extend_schema(description=_SENT_BACK),
    partial_update=extend_schema(description=_SENT_BACK),
)
@extend_schema_view(**versioned_schema(CaseSerializer))
@extend_schema(tags=["casussen"])
class CaseViewSet(VersionedMixin, ApiMixin, viewsets.ModelViewSet):
    """Cases with their choices per layer and their role analyses."""

    serializer_class = CaseSerializer
    permission_classes = [IsAuthenticated, HasRole, CanEditCase]
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = CaseFilter
    ordering_fields = ["title", "status", "created_at", "updated_at"]
    ordering = ["title", "pk"]

    def get_queryset(self) -> QuerySet:
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("organisation", "created_by", "updated_by")
            .with_parts()
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            alignment.attach(page)  # completeness of the whole page in two queries
        return page

    def perform_create(self, serializer) -> None:
        user = self.request.user
        case = Case(**serializer.validated_data)
        if not permissions.can_create_case(user):
            raise exceptions.PermissionDenied(_("U mag geen casussen vastleggen."))
        if not permissions.can_edit_case(user, case):
            raise exceptions.PermissionDenied(
                _("U kunt alleen casussen van uw eigen organisatie vastleggen.")
            )
        try:
            serializer.instance = do_create_case(case, by=user)
        except CaseConflict as conflict:
            raise serializers.ValidationError({"title": [conflict.message]}) from conflict

    def perform_update(self, serializer) -> None:
        user = self.request.user
        values = serializer.validated_data
        if not values:
            return
        case = _apply(serializer.instance, values)
        if not permissions.can_edit_case(user, case):  # e.g. given to another organisation
            raise exceptions.PermissionDenied(
                _("U kunt een casus niet aan een andere organisatie geven.")
            )
        try:
            serializer.instance = self.save_versioned(
                do_update_case, case, fields=list(values), by=user
            )
        except CaseConflict as conflict:
            raise serializers.ValidationError({"title": [conflict.message]}) from conflict

    @extend_schema(
        responses={204: None, 409: error_response(409)},
        description=_(
            "Verwijder een concept dat nooit gepubliceerd is en dat geen ontwikkelrichting "
            "als onderbouwing noemt. Een (ooit) gepubliceerde casus wordt gearchiveerd, niet "
            "verwijderd: 409 met de reden."
        ),
    )
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        case = self.get_object()
        try:
            do_delete_case(case, by=request.user)
        except CaseConflict as conflict:
            return conflict_response(conflict.message)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CaseActionSerializer,
        responses={200: CaseSerializer, 409: error_response(409)},
        description=_(
            "Verplaats de casus in zijn levensloop: een ambtenaar dient een concept in "
            "(submit); een coördinator publiceert (publish), stuurt terug met een opmerking "
            "(send_back), archiveert (archive) of heropent (reopen). Een stap die de huidige "
            "status niet toelaat: 409."
        ),
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        serializer = CaseActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_action = serializer.validated_data["action"]
        step = CASE_STEPS[case_action]
        if not step.may(request.user, case):
            raise exceptions.PermissionDenied(step.forbidden)
        try:
            do_case_step(
                case, case_action, by=request.user, remark=serializer.validated_data["remark"]
            )
        except CaseConflict as conflict:
            return conflict_response(conflict.message)
        case = self.get_queryset().get(pk=case.pk)
        return Response(self.get_serializer(case).data)


@extend_schema_view(
    create=extend_schema(
        responses={
            201: ChoiceSerializer,
            200: OpenApiResponse(
                ChoiceSerializer,
                description=_("Dezelfde keuze stond er al (bijvoorbeeld twee keer verstuurd)."),
            ),
        },
    ),
)
@extend_schema_view(**versioned_schema(ChoiceSerializer))
@extend_schema(tags=["keuzes"])
class ChoiceViewSet(VersionedMixin, ApiMixin, viewsets.ModelViewSet):
    """The choices of cases, one layer each; writable with the case's permission."""

    serializer_class = ChoiceSerializer
    permission_classes = [IsAuthenticated, HasRole, CanEditCase]
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = ChoiceFilter
    ordering_fields = ["created_at", "updated_at", "title"]
    ordering = ["case", "layer__position", "created_at", "pk"]

    def get_queryset(self) -> QuerySet:
        return Choice.objects.visible_to(self.request.user).select_related(
            "case", "layer", "supplier"
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        choice = Choice(**serializer.validated_data)
        self._require_editable(choice.case)
        choice, created = do_create_choice(choice, by=request.user)
        return Response(
            self.get_serializer(choice).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_update(self, serializer) -> None:
        choice = _apply(serializer.instance, serializer.validated_data)
        self._require_editable(choice.case)  # the case it moves to, if any
        try:
            serializer.instance = self.save_versioned(
                do_update_choice, choice, by=self.request.user
            )
        except ChoiceGone as gone:
            raise exceptions.NotFound() from gone

    @extend_schema(
        responses={204: None, 409: error_response(409)},
        description=_("Een keuze die een ontwikkelrichting als onderbouwing noemt, blijft: 409."),
    )
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        choice = self.get_object()
        try:
            do_delete_choice(choice, by=request.user)
        except CaseConflict as conflict:
            return conflict_response(conflict.message)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _require_editable(self, case: Case) -> None:
        if not permissions.can_edit_case(self.request.user, case):
            raise exceptions.PermissionDenied(CanEditCase.message)


@extend_schema_view(**versioned_schema(RoleAnalysisSerializer))
@extend_schema(tags=["rolanalyses"])
class RoleAnalysisViewSet(
    VersionedMixin,
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Per case one role analysis per counterpart; they exist with the case and
    are filled in, never created or deleted on their own."""

    serializer_class = RoleAnalysisSerializer
    permission_classes = [IsAuthenticated, HasRole, CanEditCase]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = RoleAnalysisFilter

    def get_queryset(self) -> QuerySet:
        return (
            RoleAnalysis.objects.visible_to(self.request.user)
            .select_related("case")
            .prefetch_related("partners")
            .order_by("case", "pk")
        )

    def perform_update(self, serializer) -> None:
        values = dict(serializer.validated_data)
        analysis = serializer.instance
        partners = values.pop("partners", None)
        if partners is None:
            partners = list(analysis.partners.all())
        serializer.instance = self.save_versioned(
            do_update_role_analysis, _apply(analysis, values), partners=partners, by=self.request.user
        )


@extend_schema_view(retrieve=extend_schema(parameters=[ETAG]))
@extend_schema(tags=["ontwikkelrichtingen"])
class DirectionViewSet(VersionedMixin, ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DirectionSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        return Direction.objects.visible_to(user).prefetch_related(
            Prefetch("meanings", queryset=LayerMeaning.objects.select_related("layer")),
            Prefetch(
                "evidence_cases",
                queryset=Case.objects.visible_to(user).only("pk"),
                to_attr="visible_evidence_cases",
            ),
            Prefetch(
                "evidence_choices",
                queryset=Choice.objects.visible_to(user).only("pk"),
                to_attr="visible_evidence_choices",
            ),
        )


VOTE_EXAMPLES = [
    OpenApiExample(
        "Stem",
        request_only=True,
        value={
            "direction": 3,
            "position": "support",
            "points": 4,
            "reason": "Sluit aan bij wat we al met kennisinstellingen doen.",
        },
    ),
    OpenApiExample(
        "Vastgelegde stem",
        response_only=True,
        status_codes=["200"],
        value={
            "id": 17,
            "session": 1,
            "direction": 3,
            "executive": 5,
            "position": "support",
            "points": 4,
            "reason": "Sluit aan bij wat we al met kennisinstellingen doen.",
            "created_at": "2026-11-30T10:12:00+01:00",
            "updated_at": "2026-11-30T10:15:00+01:00",
        },
    ),
]


@extend_schema_view(retrieve=extend_schema(parameters=[ETAG]))
@extend_schema(tags=["sessies"])
class BoardSessionViewSet(VersionedMixin, ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Board sessions: executives vote while a session is open; the results
    stay secret to everyone until it closes."""

    serializer_class = BoardSessionSerializer
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["state"]
    ordering_fields = ["date"]
    ordering = ["-date", "-pk"]

    def get_queryset(self) -> QuerySet:
        return BoardSession.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("direction"))
        )

    def _session(self) -> BoardSession:
        """The session from the path (404 if the caller may not see it), without
        the list filters of the query string."""
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _move(self, request: Request, name: str) -> Response:
        session = self._session()
        step = SESSION_STEPS[name]
        if not step.may(request.user, session):
            raise exceptions.PermissionDenied(step.forbidden)
        try:
            do_session_step(session, name, by=request.user)
        except InvalidTransition as error:
            return conflict_response(error.message)
        return Response(self.get_serializer(self._session()).data)

    @extend_schema(
        request=None,
        responses={200: BoardSessionSerializer, 409: error_response(409)},
        description=_(
            "Open de sessie voor stemmen (coördinatoren; alleen een sessie in voorbereiding)."
        ),
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk=None) -> Response:
        return self._move(request, "open")

    @extend_schema(
        request=None,
        responses={200: BoardSessionSerializer, 409: error_response(409)},
        description=_(
            "Sluit de sessie (coördinatoren; alleen een open sessie). Daarna zijn de uitslagen te zien."
        ),
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return self._move(request, "close")

    @extend_schema(
        responses=VoteSerializer(many=True),
        filters=False,
        description=_(
            "Stemmen in deze sessie. Zolang de sessie open is, en altijd in een anonieme "
            "sessie, ziet iedereen alleen de eigen stemmen; na het sluiten van een niet-anonieme "
            "sessie alle stemmen."
        ),
    )
    @action(detail=True, methods=["get"], serializer_class=VoteSerializer)
    def votes(self, request: Request, pk=None) -> Response:
        session = self._session()
        votes = (
            Vote.objects.visible_to(request.user)
            .filter(session=session)
            .order_by("direction", "executive", "pk")
        )
        page = self.paginate_queryset(votes)
        return self.get_paginated_response(VoteSerializer(page, many=True).data)

    @extend_schema(
        request=BallotSerializer,
        responses={
            200: OpenApiResponse(VoteSerializer, description=_("De stem, nieuw of vervangen.")),
            400: error_response(
                400,
                OpenApiExample(
                    "Te veel punten",
                    value={"points": ["U heeft nog 2 van de 10 punten over; 4 punten is te veel."]},
                ),
                OpenApiExample(
                    "Niet op de agenda",
                    value={
                        "direction": [
                            "Deze ontwikkelrichting staat niet op de agenda van de sessie."
                        ]
                    },
                ),
            ),
            403: error_response(
                403,
                OpenApiExample(
                    "Geen bestuurder", value={"detail": "Alleen bestuurders kunnen stemmen."}
                ),
            ),
            409: error_response(
                409,
                OpenApiExample(
                    "Sessie gesloten", value={"detail": "Deze sessie is niet open voor stemmen."}
                ),
            ),
        },
        examples=VOTE_EXAMPLES,
        filters=False,
        description=_(
            "Breng uw stem uit op één ontwikkelrichting, of vervang die: dezelfde aanvraag "
            "twee keer geeft hetzelfde resultaat (één stem per sessie, richting en bestuurder). "
            "Punten: samen hooguit 10 per sessie. In een gesloten sessie: 409."
        ),
    )
    @votes.mapping.post
    def cast_vote(self, request: Request, pk=None) -> Response:
        session = self._session()
        ballot = BallotSerializer(data=request.data)
        ballot.fields["direction"].queryset = Direction.objects.visible_to(request.user)
        ballot.is_valid(raise_exception=True)
        try:
            vote = do_cast_vote(session=session, executive=request.user, **ballot.validated_data)
        except VoteRefused as refusal:
            if refusal.conflict:
                return conflict_response(refusal.message)
            if refusal.field:
                raise serializers.ValidationError({refusal.field: [refusal.message]}) from refusal
            raise exceptions.PermissionDenied(refusal.message) from refusal
        return Response(VoteSerializer(vote).data)

    @extend_schema(
        responses=TurnoutSerializer,
        filters=False,
        description=_(
            "De opkomst: het enige cijfer dat al zichtbaar is terwijl de sessie open is. "
            "Het aantal stemmen per ontwikkelrichting zien coördinatoren al terwijl de sessie "
            "open is, iedereen zodra ze gesloten is."
        ),
    )
    @action(detail=True, methods=["get"])
    def turnout(self, request: Request, pk=None) -> Response:
        session = self._session()
        return Response(_turnout_data(session, request.user))

    @extend_schema(
        responses={200: SessionResultsSerializer},
        filters=False,
        description=_(
            "De uitslag per ontwikkelrichting: aantallen per standpunt, punten, "
            "overeenstemming, motiveringen en besluit. Geheim tot de sessie gesloten is: "
            "daarvoor 403, ook voor coördinatoren."
        ),
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk=None) -> Response:
        session = self._session()
        try:
            results = session_results(session)
        except PermissionError as error:
            raise exceptions.PermissionDenied(
                _("De uitslag blijft geheim tot de sessie gesloten is.")
            ) from error
        data = {
            "session": session.pk,
            "turnout": _turnout_data(session, request.user),
            "directions": [
                {
                    "direction": result.direction,
                    "position": result.position,
                    "rank": result.rank,
                    "counts": {position: result.counts.get(position, 0) for position in POSITIONS},
                    "points": result.points,
                    "voters": result.voters,
                    "agreement": result.agreement,
                    "mean": result.mean,
                    "reasons": result.reasons,
                    "outcome": result.outcome,
                }
                for result in sorted(results, key=lambda r: r.rank)
            ],
        }
        return Response(SessionResultsSerializer(data).data)


def _turnout_data(session: BoardSession, user) -> dict:
    figures = turnout(session)
    per_direction = None
    if permissions.can_see_turnout_per_direction(user, session):
        per_direction = [
            {
                "direction": item.direction_id,
                "votes": figures["per_direction"].get(item.direction_id, 0),
            }
            for item in session.agenda_items.all()
        ]
    return {
        "eligible": figures["eligible"],
        "voted": figures["voted"],
        "per_direction": per_direction,
    }


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, JSON unless ``?format=yaml`` asks otherwise."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]
    schema = ApiSchema()


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its init script as a separate file, so the page needs no
    inline script under our Content-Security-Policy."""

    url_name = "api:schema"
    template_name = "api/swagger_ui.html"


class UnknownEndpoint(ApiMixin, APIView):
    """Any other path under /api/v1/: a JSON 404 (after the login check), not
    the HTML page of the web site."""

    schema = None

    def unknown(self, request: Request, *args, **kwargs) -> Response:
        raise exceptions.NotFound()

    get = post = put = patch = delete = unknown
