from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Digitale stack")

    def import_models(self):
        super().import_models()
        # Models kept in modules of their own, registered with the app's models.
        import_module(f"{self.name}.models_alignment")

    def ready(self):
        from . import audit  # noqa: F401  (its signals record users, roles and tokens)
