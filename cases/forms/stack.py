"""The coordinator's form for a layer's explanation, in Dutch and English."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..models import Layer

MAX_EXPLANATION = 2000  # about half a page: the stack page is read in three minutes


class LayerTextForm(forms.ModelForm):
    class Meta:
        model = Layer
        fields = ["description", "description_en"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            field = self.fields[name]
            field.widget.attrs["maxlength"] = MAX_EXPLANATION
            field.validators.append(MaxLengthValidator(MAX_EXPLANATION))
        self.fields["description"].required = True
        self.fields["description"].error_messages["required"] = _(
            "Geef de uitleg in het Nederlands: die staat op de pagina De digitale stack."
        )
