"""Writes to the audit trail what no history table holds (``AuditEvent``):
users and their roles, tokens, briefings, agendas, the evidence of a
direction, organisations, and every change made in the admin with what
changed. ``cases.history`` reads it back for people.

Role changes, password changes and the revocation of tokens are caught here
by signals, so every door (the admin, ``adduser``, a shell) is recorded alike:
losing a role or changing the password revokes every API token of the user.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from knox.models import AuthToken
from simple_history.models import HistoricalRecords

from .models import AuditEvent, Organisation, Role, User

Kind = AuditEvent.Kind


def current_user():
    """The person behind the request being served, if any (simple_history's
    middleware keeps the request)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def record(kind: str, action: str, *, by=None, obj=None, subject: str = "", changes=()):
    """One event; ``by`` defaults to the person making the request."""
    if by is None:
        by = current_user()
    return AuditEvent.objects.create(
        kind=kind,
        action=action,
        actor=by if getattr(by, "pk", None) else None,
        model=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        subject=(subject or (str(obj) if obj is not None else ""))[:300],
        changes=list(changes),
    )


def plain(value):
    """A value as the trail keeps it: codes stay codes (read as labels in the
    reader's language), objects become their names."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return sorted(str(plain(item)) for item in value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def form_changes(form, *, skip=()) -> list[dict]:
    """What an admin form changed: each field with its old and new value."""
    changes = []
    model = form._meta.model
    for name in form.changed_data:
        if name in skip:
            continue
        old = form.initial.get(name)
        new = form.cleaned_data.get(name)
        try:
            model_field = model._meta.get_field(name)
        except Exception:
            model_field = None
        if model_field is not None and model_field.many_to_one and old is not None:
            old = model_field.related_model._default_manager.filter(pk=old).first()
        if model_field is not None and model_field.many_to_one and isinstance(new, int):
            new = model_field.related_model._default_manager.filter(pk=new).first()
        changes.append({"field": name, "old": plain(old), "new": plain(new)})
    return changes


# --- Users, roles and tokens -------------------------------------------------


def revoke_tokens(user, *, reason: str) -> int:
    revoked, _per_model = AuthToken.objects.filter(user=user).delete()
    if revoked:
        record(
            Kind.TOKEN,
            "tokens_revoked",
            obj=user,
            changes=[{"field": "reason", "old": "", "new": reason}],
        )
    return revoked


@receiver(pre_save, sender=User)
def _note_password_change(sender, instance, **kwargs):
    # set_password keeps the raw password until the save; a new user has no tokens.
    instance._stackwork_password_changed = (
        instance.pk is not None and getattr(instance, "_password", None) is not None
    )


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(Kind.USER, "created", obj=instance)
    elif getattr(instance, "_stackwork_password_changed", False):
        instance._stackwork_password_changed = False
        record(Kind.USER, "password_changed", obj=instance)
        revoke_tokens(instance, reason="password_changed")


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance, **kwargs):
    record(Kind.USER, "deleted", subject=str(instance))


def _role_names(user) -> list[str]:
    return sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:  # group.user_set.add(...)
        if action == "pre_clear":
            instance._stackwork_cleared = set(instance.user_set.values_list("pk", flat=True))
        ids = getattr(instance, "_stackwork_cleared", ()) if action.endswith("_clear") else pk_set
        users = list(User.objects.filter(pk__in=ids or ()))
    else:
        users = [instance]
    before = instance.__dict__.setdefault("_stackwork_roles_before", {})
    for user in users:
        if action.startswith("pre_"):
            before[user.pk] = _role_names(user)
            continue
        old = before.pop(user.pk, [])
        user.__dict__.pop("_stackwork_roles", None)  # roles_of reads them again
        new = _role_names(user)
        if old == new:
            continue
        record(
            Kind.USER,
            "roles_changed",
            obj=user,
            changes=[{"field": "roles", "old": old, "new": new}],
        )
        if set(old) - set(new):
            revoke_tokens(user, reason="role_removed")


@receiver(post_delete, sender=Organisation)
def _organisation_deleted(sender, instance, **kwargs):
    record(Kind.ORGANISATION, "deleted", obj=instance)
