"""``GET /api/v1/algoritmeregister/``: the coordinator's export of the
registrations in the Algoritmeregister's publication standard 1.0.0."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, register
from .errors import error_response
from .views import ApiMixin, HasRole

_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"title": {"type": "string"}, "link": {"type": "string"}},
        "required": ["title", "link"],
    },
}


def _property(field: register.Field) -> dict:
    if field.kind == "themes":
        return {"type": "array", "items": {"type": "string", "enum": list(field.values)}}
    if field.kind == "links":
        return _LINKS
    schema = {"type": "string", "description": field.label}
    if field.limit:
        schema["maxLength"] = field.limit
    return schema


RECORD = {
    "type": "object",
    "description": _("Een registratie met precies de velden van de publicatiestandaard 1.0.0."),
    "properties": {field.key: _property(field) for field in register.FIELDS},
    "required": list(register.KEYS),
    "additionalProperties": False,
}
WITH_READINESS = {
    "type": "object",
    "properties": {
        "source_id": {"type": "string"},
        "ready": {"type": "boolean"},
        "out_of_date": {"type": "boolean"},
        "missing": {"type": "array", "items": {"type": "string"}},
        "messages": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        # Not the strict record: a registration that is not ready breaks its limits.
        "record": {"type": "object"},
    },
    "required": ["source_id", "ready", "out_of_date", "missing", "messages", "record"],
}


class CanExportRegister(BasePermission):
    message = _("Alleen coördinatoren exporteren het algoritmeregister.")

    def has_permission(self, request, view) -> bool:
        return permissions.can_export_register(request.user)


class ExportQuery(serializers.Serializer):
    all = serializers.ChoiceField(choices=["0", "1"], required=False, default="0")


@extend_schema(
    tags=["algoritmeregister"],
    parameters=[
        OpenApiParameter(
            "all",
            str,
            enum=["0", "1"],
            description=_("1: ook de registraties die nog niet klaar zijn, met wat ontbreekt."),
        )
    ],
    responses={
        200: OpenApiResponse(
            response={
                "anyOf": [
                    {"type": "array", "items": RECORD},
                    {"type": "array", "items": WITH_READINESS},
                ]
            },
            description=_(
                "Zonder all: de registraties die klaar zijn, als lijst van records. Met all=1: "
                "elke registratie met ready, out_of_date, missing en het record."
            ),
        ),
        400: error_response(400),
    },
    description=_(
        "De export voor het landelijke Algoritmeregister (publicatiestandaard 1.0.0), voor "
        "coördinatoren. Elke export noteert de registraties die klaar zijn als geëxporteerd; "
        "wie er daarna een wijzigt, ziet haar als verouderd."
    ),
)
class AlgoritmeregisterView(ApiMixin, APIView):
    permission_classes = [IsAuthenticated, HasRole, CanExportRegister]
    pagination_class: type[BasePagination] | None = None

    def get(self, request: Request) -> Response:
        query = ExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        include_all = query.validated_data["all"] == "1"
        registrations = register.registrations_for(request.user)
        rows = register.export_rows(registrations, include_all=include_all)
        register.mark_exported(registrations)
        return Response(rows)
