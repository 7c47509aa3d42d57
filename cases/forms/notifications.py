"""The person's own notification settings: which kinds come by e-mail, and
in which language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .. import notifications
from ..models import MailOptOut, Notification


class MailSettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Taal van e-mail"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Kies een van de talen uit de lijst.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kinds = notifications.kinds_for(user)
        muted = set(MailOptOut.objects.filter(user=user).values_list("kind", flat=True))
        self.fields["language"].initial = user.language
        for kind in self.kinds:
            self.fields[self.field_name(kind)] = forms.BooleanField(
                label=Notification.Kind(kind).label,
                help_text=notifications.KIND_HELP[kind],
                required=False,
                initial=kind not in muted,
            )

    @staticmethod
    def field_name(kind: str) -> str:
        return f"mail_{kind}"

    def kind_fields(self):
        return [self[self.field_name(kind)] for kind in self.kinds]

    def muted(self) -> set[str]:
        return {kind for kind in self.kinds if not self.cleaned_data[self.field_name(kind)]}
