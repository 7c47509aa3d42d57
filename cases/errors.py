"""Error pages: a database that does not answer is a 503 the client may
retry, not a traceback; anything else is a plain 500 page."""

import sys

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 5


def _database_unavailable(exc: BaseException | None) -> bool:
    from .concurrency import is_retryable_conflict

    if is_retryable_conflict(exc):  # a collision with another request, not an outage
        return False
    while exc is not None:
        if isinstance(exc, (DatabaseError, InterfaceError)) and not _is_data_error(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _is_data_error(exc: BaseException) -> bool:
    # Integrity and data errors are bugs in a request, not an outage.
    from django.db import DataError, IntegrityError, ProgrammingError

    return isinstance(exc, (DataError, IntegrityError, ProgrammingError))


def _render(request: HttpRequest, key, *, status=None, with_request: bool = True) -> HttpResponse:
    """The error page in the page layout, in the user's language, saying what
    happened and what to do next; JSON under /api/."""
    status = status or key
    title, message, advice = PAGES[key]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=status)
    template = loader.get_template("error.html")
    context = {"status": status, "title": title, "message": message, "advice": advice}
    if with_request:
        try:
            return HttpResponse(template.render(context, request), status=status)
        except Exception:  # the context processors need the database: without them
            pass
    return HttpResponse(template.render(context), status=status)


PAGES = {
    400: (
        gettext_lazy("Dit verzoek klopt niet"),
        gettext_lazy("Stackwork kon het verzoek niet lezen: het was onvolledig of onjuist."),
        gettext_lazy("Ga terug naar de vorige pagina en probeer het opnieuw."),
    ),
    403: (
        gettext_lazy("Geen toegang"),
        gettext_lazy("Uw rol geeft geen toegang tot deze pagina of deze handeling."),
        gettext_lazy(
            "Ga terug naar de vorige pagina. Denkt u dat u hier wel bij moet kunnen, "
            "vraag dan een coördinator om uw rol aan te passen."
        ),
    ),
    404: (
        gettext_lazy("Pagina niet gevonden"),
        gettext_lazy("Deze pagina bestaat niet, of niet meer, of is niet voor u zichtbaar."),
        gettext_lazy(
            "Controleer het adres, of zoek wat u nodig heeft vanuit de startpagina "
            "of de lijst met casussen."
        ),
    ),
    "csrf": (
        gettext_lazy("Formulier verlopen"),
        gettext_lazy(
            "Het formulier kon niet worden verwerkt: de beveiligingscode ontbrak of was "
            "verlopen, bijvoorbeeld omdat u intussen (opnieuw) heeft ingelogd of lang heeft gewacht."
        ),
        gettext_lazy(
            "Ga terug naar het formulier, laad de pagina opnieuw en verstuur het nog eens. "
            "Kopieer eerst wat u had getypt, als het er na het opnieuw laden niet meer staat."
        ),
    ),
    500: (
        gettext_lazy("Er ging iets mis"),
        gettext_lazy("Er ging iets mis aan onze kant. De fout is vastgelegd; probeer het later opnieuw."),
        gettext_lazy("Ga terug naar de vorige pagina of naar de startpagina."),
    ),
    503: (
        gettext_lazy("Even niet beschikbaar"),
        gettext_lazy(
            "Stackwork is even niet beschikbaar: de database antwoordt niet. "
            "Probeer het zo opnieuw."
        ),
        gettext_lazy("Wacht een paar seconden en laad de pagina opnieuw; uw gegevens zijn niet weg."),
    ),
}


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, 404)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token."""
    return _render(request, "csrf", status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if _database_unavailable(exc):
        response = _render(request, 503, with_request=False)  # no context that needs the database
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _render(request, 500)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Too many failed logins: the same answer whether or not the user exists."""
    from django.conf import settings
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = _(
        "Te veel mislukte inlogpogingen. Probeer het over %(minutes)d minuten opnieuw, "
        "of vraag een coördinator om hulp."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )
