from urllib.parse import urlencode

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language; a civil
    servant whose browser happens to be English still expects the Dutch
    workbench, so only the language cookie set by the switch counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


POLL_HEADER = "X-Stackwork-Poll"


class IdleSessionMiddleware:
    """A session ends after ``SESSION_COOKIE_AGE`` seconds without a request
    by the person: every request pushes the end back, except polling (an
    element that refreshes itself sends the ``X-Stackwork-Poll`` header), so
    a tab left open on a live page still ends its session.

    A poll that finds its session ended gets the browser sent to the login
    page, instead of the login form swapped into the polled element.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        polling = POLL_HEADER in request.headers
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and not polling and user is not None and user.is_authenticated:
            session.modified = True  # saved, so its expiry moves on
        if polling and getattr(request, "htmx", False) and _to_login(response):
            from django_htmx.http import HttpResponseClientRedirect

            current = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': current})}"
            )
        return response


def _to_login(response) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.split("?")[0] == resolve_url(settings.LOGIN_URL)
