"""Idempotent create: a create form carries a one-time token
(``forms.integrity.OneTimeTokenMixin``); the first post with it creates and
claims the token, a second one (a double click, a resent form, a second
tab) finds what the first made and lands on its page instead.

Two posts at the same moment meet at the token's unique constraint: the
second waits for the first to commit, then reads what it made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from .models import FormSubmission

FIELD = "form_token"


def submitted_token(data) -> uuid.UUID | None:
    """The token a post carries, or None (no token, or not one we made)."""
    value = (data or {}).get(FIELD)
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def earlier(token: uuid.UUID | None, *, user, kind: str, queryset: models.QuerySet):
    """What an earlier post of this very form made, if it is still there and
    the user may see it; None otherwise."""
    if token is None:
        return None
    claim = FormSubmission.objects.filter(token=token, user=user, kind=kind).first()
    if claim is None or claim.object_id is None:
        return None
    return queryset.filter(pk=claim.object_id).first()


def create_once(
    token: uuid.UUID | None,
    *,
    user,
    kind: str,
    create: Callable[[], models.Model],
    queryset: models.QuerySet,
) -> tuple[models.Model, bool]:
    """Run ``create`` once per token. Returns the object and whether this
    call made it. Whatever ``create`` raises leaves the token unclaimed, so
    the form can be corrected and sent again."""
    if token is None:
        return create(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(token=token, user=user, kind=kind)
        except IntegrityError:
            found = earlier(token, user=user, kind=kind, queryset=queryset)
            if found is not None:
                return found, False
            return create(), True  # a token of someone else, or its object is gone
        made = create()
        claim.object_id = made.pk
        claim.save(update_fields=["object_id"])
    return made, True
