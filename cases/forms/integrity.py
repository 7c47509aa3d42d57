"""What every edit and create form carries besides its fields: the version
it was made from (optimistic concurrency, ``cases.concurrency``) and, for a
create form, a one-time token (``cases.idempotency``). Both are hidden."""

from __future__ import annotations

import uuid

from django import forms

from ..concurrency import StaleEdit


class VersionedFormMixin:
    """An edit form of a versioned row carries the row's ``version``; a save
    from an older one is refused (``refuse_stale``) with what was typed kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                min_value=0,
                max_value=2**31 - 1,
                initial=self.instance.version,
            )

    @property
    def version(self) -> int | None:
        """The version the person started from; None when the post had none."""
        if not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get("version")

    def refuse_stale(self, stale: StaleEdit) -> None:
        """Say who changed it and when, keep the typed input, and carry the
        current version: saving again (after merging by hand) then goes through."""
        self.add_error(None, stale.message)
        data = self.data.copy()
        data[self.add_prefix("version")] = str(stale.version)
        self.data = data


class OneTimeTokenMixin:
    """A create form carries a token made when the form was shown; the first
    post with it creates, a second one finds what the first made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self, "instance", None) is None or self.instance.pk is None:
            self.fields["form_token"] = forms.UUIDField(
                widget=forms.HiddenInput, required=False, initial=uuid.uuid4
            )

    @property
    def form_token(self) -> uuid.UUID | None:
        if not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get("form_token")


# The largest key a database column holds (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdsField(forms.ModelMultipleChoiceField):
    """Several records by id. An id that is not a whole number within the
    key range is "not a valid choice" before any query: SQLite cannot even
    compare a larger number, and Django guards only single lookups."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                text = str(pk)
                if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text[:30]},
                    )
        return super()._check_values(value)
