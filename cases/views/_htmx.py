"""The one helper every in-place view shares: a fragment for htmx, the whole
page otherwise."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request gets the fragment; a history restore (back button
    after a cache miss) needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def template_for(request: HttpRequest, name: str, partial: str) -> str:
    """``name#partial`` for an htmx request, ``name`` for a full page."""
    return f"{name}#{partial}" if wants_fragment(request) else name
