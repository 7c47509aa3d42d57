"""Single sign-on with the province's identity provider (OpenID Connect),
off unless OIDC_RP_CLIENT_ID is set. Local accounts keep working beside it.

A person is matched on the provider's (issuer, subject) pair, kept in
``SignOnIdentity``; the e-mail address alone never decides. At a first login:

- an existing local account with the same e-mail address is linked only when
  the provider says the address is verified, and, when that account holds a
  role (or admin access), only after a coordinator confirms the link in the
  admin; until then the login is refused with that explanation;
- otherwise a new account without a role is made; a coordinator gives the
  role (and organisation) in the admin.

Every failure at or with the provider (a wrong client secret, an outage, a
forged state, a refused link) ends on the "login failed" page, never a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit
from .models import Organisation, SignOnIdentity, User, roles_of

logger = logging.getLogger(__name__)

NEEDS_CONFIRMATION = "needs_confirmation"


def username_from_claims(email: str, claims: dict) -> str:
    """The provider's preferred username, else the e-mail address; made unique
    so that it never lands on an existing local account."""
    base = (claims.get("preferred_username") or email or claims["sub"])[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


class LinkRefused(SuspiciousOperation):
    """The login matched an account that a coordinator must link first."""


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict) -> bool:
        return bool(claims.get("email")) and bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo subject differs from the id_token's")
        issuer = payload.get("iss") or settings.OIDC_OP_ISSUER or ""
        subject = str(claims["sub"])
        identity = (
            SignOnIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            if not identity.confirmed:
                self._refuse()
            return identity.user
        return self._first_login(claims, issuer, subject)

    def _refuse(self):
        if self.request is not None:
            self.request.session["oidc_login_failed"] = NEEDS_CONFIRMATION
        raise LinkRefused("The link to this account waits for a coordinator")

    def _first_login(self, claims: dict, issuer: str, subject: str):
        email = claims["email"]
        verified = claims.get("email_verified") is True
        local = list(User.objects.filter(email__iexact=email)[:2]) if verified else []
        if len(local) == 1:
            user = local[0]
            holds_power = bool(roles_of(user)) or user.is_staff or user.is_superuser
            try:
                with transaction.atomic():
                    SignOnIdentity.objects.create(
                        user=user,
                        issuer=issuer,
                        subject=subject,
                        email=email,
                        confirmed=not holds_power,
                    )
            except IntegrityError:  # the same first login twice at once
                raise SuspiciousOperation("Identity already linked") from None
            audit.record(
                audit.Kind.USER,
                "sign_on_link_requested" if holds_power else "sign_on_linked",
                by=user,
                obj=user,
                changes=[{"field": "email", "old": "", "new": email}],
            )
            if holds_power:
                self._refuse()
            return user
        with transaction.atomic():
            user = self.create_user(claims)
            SignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject, email=email)
        return user

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


def login_failed(request: HttpRequest, status: int = 200) -> HttpResponse:
    reason = request.session.pop("oidc_login_failed", "") if hasattr(request, "session") else ""
    if reason == NEEDS_CONFIRMATION:
        message = _(
            "Uw account bij %(provider)s hoort bij een bestaand account met een rol. Een "
            "coördinator moet die koppeling eerst bevestigen; vraag dat aan de coördinator "
            "en probeer het daarna opnieuw."
        ) % {"provider": settings.OIDC_PROVIDER_NAME}
    else:
        message = _(
            "Inloggen via %(provider)s is niet gelukt. Probeer het opnieuw, of log in met "
            "uw gebruikersnaam en wachtwoord. Blijft het misgaan, meld het dan bij de beheerder."
        ) % {"provider": settings.OIDC_PROVIDER_NAME}
    return render(request, "registration/login_failed.html", {"message": message}, status=status)


@login_not_required
def authenticate(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        return OIDCAuthenticationRequestView.as_view()(request)
    except Exception:
        logger.exception("Single sign-on could not start")
        return login_failed(request, status=502)


@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    try:
        return OIDCAuthenticationCallbackView.as_view()(request)
    except SuspiciousOperation:  # a forged or stale state
        logger.warning("Single sign-on callback refused", exc_info=True)
        return login_failed(request, status=400)
    except Exception:
        # A wrong or rotated client secret, an outage, an answer that is no JSON…
        logger.exception("Single sign-on failed at the provider")
        return login_failed(request, status=502)


@login_not_required
def failed(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404
    return login_failed(request)
