"""Comply or explain through the API: a case's verdicts, the explanation of a
choice's deviation, and the portfolio figures per direction. The same rules
as the pages (``cases.alignment``, ``cases.permissions``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import alignment, permissions
from ..models import Case, Choice, Direction
from .errors import conflict_response, error_response
from .views import ApiMixin


class AlignmentItemSerializer(serializers.Serializer):
    direction = serializers.CharField(
        help_text=_("Code van de ontwikkelrichting, bijvoorbeeld R1.")
    )
    choice = serializers.IntegerField(allow_null=True, help_text=_("Id van de keuze, of null."))
    counterpart = serializers.ChoiceField(
        choices=["market", "co_governments", "knowledge_institutions"],
        allow_null=True,
        help_text=_("Tegenpartij van de rolanalyse, of null."),
    )
    verdict = serializers.ChoiceField(choices=list(alignment.VERDICTS))
    explanation = serializers.CharField(allow_blank=True)


class CaseAlignmentSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    items = AlignmentItemSerializer(many=True)


class ExplanationRequestSerializer(serializers.Serializer):
    explanation = serializers.CharField(
        max_length=alignment.MAX_EXPLANATION,
        error_messages={
            "blank": _("Leg uit waarom deze keuze afwijkt; een lege uitleg telt niet."),
            "required": _("Leg uit waarom deze keuze afwijkt; een lege uitleg telt niet."),
        },
    )


class DirectionFiguresSerializer(serializers.Serializer):
    direction = serializers.CharField()
    title = serializers.CharField()
    follows = serializers.IntegerField()
    deviates_explained = serializers.IntegerField()
    deviates_unexplained = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class PortfolioSerializer(serializers.Serializer):
    items = DirectionFiguresSerializer(many=True)


def _item_data(item: alignment.Item) -> dict:
    return {
        "direction": item.direction.code,
        "choice": item.choice.pk if item.choice is not None else None,
        "counterpart": item.analysis.counterpart if item.analysis is not None else None,
        "verdict": item.verdict,
        "explanation": item.explanation,
    }


@extend_schema(
    tags=["naleving"],
    responses={200: CaseAlignmentSerializer},
    description=_(
        "Per aangenomen ontwikkelrichting met regels het oordeel over elke keuze en elke "
        "rolanalyse van de casus: follows, deviates of not_applicable, met de uitleg bij een "
        "afwijking. Een casus met een afwijking zonder uitleg is niet volledig."
    ),
)
class CaseAlignmentView(ApiMixin, APIView):
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(
            Case.objects.visible_to(request.user).prefetch_related(
                "choices__supplier", "role_analyses"
            ),
            pk=pk,
        )
        items = alignment.items_for_cases([case])[case.pk]
        return Response({"case": case.pk, "items": [_item_data(item) for item in items]})


@extend_schema(
    tags=["naleving"],
    request=ExplanationRequestSerializer,
    responses={
        200: AlignmentItemSerializer,
        409: error_response(
            409,
            OpenApiExample(
                "Wijkt niet af",
                value={"detail": "Dit wijkt niet af van R1; er valt niets uit te leggen."},
            ),
        ),
    },
    description=_(
        "Leg uit waarom een keuze afwijkt van een aangenomen ontwikkelrichting (pas toe of leg "
        "uit). Een lege uitleg: 400; een keuze die niet afwijkt: 409. Met het recht om de "
        "casus te wijzigen."
    ),
)
class ChoiceExplanationView(ApiMixin, APIView):
    def put(self, request: Request, pk: int, code: str) -> Response:
        choice = get_object_or_404(
            Choice.objects.visible_to(request.user).select_related("case", "supplier"), pk=pk
        )
        direction = get_object_or_404(Direction.objects.visible_to(request.user), code=code)
        if not permissions.can_edit_case(request.user, choice.case):
            raise exceptions.PermissionDenied(permissions.CANNOT_EDIT_CASE)
        serializer = ExplanationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            explanation = alignment.do_explain(
                direction=direction,
                choice=choice,
                text=serializer.validated_data["explanation"],
                by=request.user,
            )
        except alignment.ExplanationRefused as refusal:
            if refusal.conflict:
                return conflict_response(refusal.message)
            raise serializers.ValidationError({"explanation": [refusal.message]}) from refusal
        return Response(
            {
                "direction": direction.code,
                "choice": choice.pk,
                "counterpart": None,
                "verdict": alignment.DEVIATES,
                "explanation": explanation.text,
            }
        )


@extend_schema(
    tags=["naleving"],
    responses={200: PortfolioSerializer},
    description=_(
        "Per aangenomen ontwikkelrichting met regels de vier aantallen over de casussen die u "
        "mag zien (zonder gearchiveerde): volgt, wijkt af met uitleg, wijkt af zonder uitleg, "
        "niet van toepassing."
    ),
)
class PortfolioView(ApiMixin, APIView):
    def get(self, request: Request) -> Response:
        guidance = alignment.guidance_in_force()
        totals = alignment.totals_per_direction(alignment.portfolio_cases(request.user), guidance)
        return Response(
            {
                "items": [
                    {
                        "direction": entry.direction.code,
                        "title": entry.direction.title,
                        **totals[entry.direction.pk],
                    }
                    for entry in guidance
                ]
            }
        )
