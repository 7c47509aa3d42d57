"""Single sign-on with the province's identity provider (OpenID Connect),
off unless OIDC_RP_CLIENT_ID is set. Local accounts keep working beside it.

A user who logs in for the first time gets an account without a role; a
coordinator gives the role (and organisation) in the admin.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import Organisation


def username_from_claims(email: str, claims: dict) -> str:
    """The provider's preferred username, else the e-mail address."""
    return (claims.get("preferred_username") or email or claims["sub"])[:150]


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict) -> bool:
        return bool(claims.get("email")) and bool(claims.get("sub"))

    def create_user(self, claims: dict):
        user = super().create_user(claims)
        user.first_name = (claims.get("given_name") or "")[:150]
        user.last_name = (claims.get("family_name") or "")[:150]
        if settings.OIDC_DEFAULT_ORGANISATION:
            user.organisation = Organisation.objects.filter(
                name=settings.OIDC_DEFAULT_ORGANISATION
            ).first()
        user.save()
        return user


@login_not_required
def authenticate(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
