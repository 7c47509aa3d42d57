"""The API's login: ``POST /api/v1/auth/token/`` exchanges a username and
password for a token, ``DELETE`` revokes the token it is sent with.

Tokens are django-rest-knox tokens: only their hash is stored, each expires
(``API_TOKEN_HOURS``), and a password change or the loss of a role revokes
every token of the user (``cases.audit``). The token itself is shown once, in
the answer to the POST; nobody can read it afterwards, not in the admin either.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import DateTimeField
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import audit
from .errors import ApiSchema, error_response
from .serializers import TokenRequestSerializer, TokenResponseSerializer


class TokenSchema(ApiSchema):
    def _error_codes(self) -> list[str]:
        return ["400"] if self.method == "POST" else ["401"]


class TokenView(APIView):
    """POST ``{"username", "password"}`` → ``{"token", "expiry"}``; DELETE
    with ``Authorization: Token …`` → 204, that token no longer works."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = TokenSchema()

    def initialize_request(self, request, *args, **kwargs):
        # Logging in needs no token (an expired one must not stand in the way);
        # logging out is done with the token itself.
        self._logging_in = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        return [] if getattr(self, "_logging_in", False) else [TokenAuthentication()]

    def get_permissions(self):
        return [] if getattr(self, "_logging_in", False) else super().get_permissions()

    @extend_schema(
        tags=["inloggen"],
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: error_response(
                400,
                OpenApiExample(
                    "Verkeerd wachtwoord",
                    value={"non_field_errors": ["Kan niet inloggen met de opgegeven gegevens."]},
                ),
            ),
            429: error_response(429),
        },
        auth=[],
        description=_(
            "Wissel gebruikersnaam en wachtwoord in voor een token; stuur dat daarna mee als "
            "`Authorization: Token …`. Het token verloopt op het tijdstip in `expiry`; het "
            "aantal pogingen is beperkt."
        ),
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        finally:
            # django-axes marks a lockout on the request it was given, DRF's
            # wrapper; its middleware reads Django's request and then answers
            # 429 with the lockout message, as the login page does.
            for name in ("axes_locked_out", "axes_credentials"):
                if name in vars(request):
                    setattr(request._request, name, vars(request)[name])
        user = serializer.validated_data["user"]
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        audit.record(
            audit.Kind.TOKEN,
            "token_created",
            by=user,
            obj=user,
            changes=[{"field": "expiry", "old": "", "new": instance.expiry.isoformat()}],
        )
        expiry = DateTimeField().to_representation(instance.expiry)
        return Response({"token": token, "expiry": expiry})

    @extend_schema(
        tags=["inloggen"],
        request=None,
        responses={204: OpenApiResponse(description=_("Uitgelogd: dit token werkt niet meer."))},
        description=_("Log uit: het token waarmee u dit verzoek stuurt, werkt daarna niet meer."),
    )
    def delete(self, request: Request, *args, **kwargs) -> Response:
        request.auth.delete()
        audit.record(audit.Kind.TOKEN, "logged_out", by=request.user, obj=request.user)
        return Response(status=204)
