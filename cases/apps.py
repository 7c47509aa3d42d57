from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Digitale stack")

    def ready(self):
        from . import audit  # noqa: F401  (its signals record users, roles and tokens)
