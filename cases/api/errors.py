"""One shape for every error, and the error responses in the OpenAPI schema."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with one shape per kind: 400 ``{"field": ["message"]}``
    (a parse error or a bare list goes under ``non_field_errors``), every other
    error ``{"detail": "…"}``."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # not Django's "No Case matches the given query."
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        if isinstance(data, list):
            response.data = {"non_field_errors": data}
        elif isinstance(data, dict) and set(data) == {"detail"}:
            response.data = {"non_field_errors": [data["detail"]]}
    elif not (isinstance(data, dict) and "detail" in data):
        response.data = {"detail": data}
    return response


def conflict_response(message) -> Response:
    return Response({"detail": str(message)}, status=status.HTTP_409_CONFLICT)


# The error bodies, as schema components every operation refers to.
ERROR_SCHEMAS = {
    "FieldErrors": {
        "type": "object",
        "description": _("Per veld de meldingen; algemene meldingen onder non_field_errors."),
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"title": ["Dit veld is vereist."]},
    },
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}
ERROR_DESCRIPTIONS = {
    "400": ("FieldErrors", _("Ongeldige invoer: per veld wat er mis is.")),
    "401": ("ErrorDetail", _("Niet ingelogd: stuur een token (Authorization: Token …).")),
    "403": ("ErrorDetail", _("Geen toegang voor uw rol of organisatie.")),
    "404": ("ErrorDetail", _("Niet gevonden, of niet zichtbaar voor u.")),
    "409": (
        "ErrorDetail",
        _("Kan niet in de huidige toestand (bijvoorbeeld een gesloten sessie)."),
    ),
    "412": (
        "ErrorDetail",
        _(
            "Intussen gewijzigd: de If-Match-versie is niet meer de huidige. Lees opnieuw "
            "(ETag), neem de wijzigingen over en stuur opnieuw."
        ),
    ),
    "429": ("ErrorDetail", _("Te veel pogingen; probeer het later opnieuw.")),
}


def error_response(code: int, *examples: OpenApiExample) -> OpenApiResponse:
    """An error response for ``@extend_schema(responses=…)``, with examples."""
    name, description = ERROR_DESCRIPTIONS[str(code)]
    return OpenApiResponse(
        response=ERROR_SCHEMAS[name], description=description, examples=list(examples)
    )


class ApiSchema(AutoSchema):
    """Documents the error responses each operation can give: 401 and 403
    wherever a login is needed, 404 for paths with an id and for lists (a page
    that does not exist), 400 for requests with a body or filters."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            name, description = ERROR_DESCRIPTIONS[code]
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_SCHEMAS[name]
            )
            self.registry.register_on_missing(component)
            responses[code] = {
                "content": {"application/json": {"schema": component.ref}},
                "description": str(description),
            }
        return dict(sorted(responses.items()))

    def _error_codes(self) -> list[str]:
        codes = []
        if self.view.permission_classes:
            codes += ["401", "403"]
        is_list = self.method == "GET" and self._is_list_view()
        if self.method in ("POST", "PUT", "PATCH") or is_list:
            codes.append("400")
        if "{" in self.path or is_list:
            codes.append("404")
        return codes
