from django.conf import settings

from . import permissions


def roles(request) -> dict:
    """The current user's roles, for menus and controls in every template."""
    user = getattr(request, "user", None)
    return {
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "is_civil_servant": permissions.is_civil_servant(user),
        "is_executive": permissions.is_executive(user),
        "is_coordinator": permissions.is_coordinator(user),
    }
