from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import permissions
from .models import Notification


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


def notifications(request) -> dict:
    """The unread count in the page header, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.visible_to(user).unread().count()
        )
    }
