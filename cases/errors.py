"""Error pages: a database that does not answer is a 503 the client may
retry, not a traceback; anything else is a plain 500 page."""

import sys

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
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


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if _database_unavailable(exc):
        message = _("Stackwork is even niet beschikbaar: de database antwoordt niet. Probeer het zo opnieuw.")
        status = 503
    else:
        message = _("Er ging iets mis aan onze kant. De fout is vastgelegd; probeer het later opnieuw.")
        status = 500
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    else:
        template = loader.get_template("error.html")
        response = HttpResponse(template.render({"message": message, "status": status}), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
