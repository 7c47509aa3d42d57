"""Two answers every door shares, given before (or instead of) a view:

- a path or query string with a NUL character is a 400 with a message: no
  database stores NUL in text (PostgreSQL refuses it outright), so no page,
  API call or admin filter can mean it;
- a write that lost a deadlock or a serialization failure is a 409 "try
  again" (``concurrency.is_retryable_conflict``), not a 503 outage.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from .concurrency import CONFLICT_MESSAGE, is_retryable_conflict


def _answer(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    template = loader.get_template("error.html")
    return HttpResponse(
        template.render({"message": message, "status": status}, request), status=status
    )


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any("\x00" in value for key, values in request.GET.lists() for value in [key, *values])


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return _answer(
                request,
                _("Het adres bevat een teken dat niet kan (een NUL-teken). Controleer de link."),
                400,
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if is_retryable_conflict(exception):
            return _answer(request, str(CONFLICT_MESSAGE), 409)
        return None
