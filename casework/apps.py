from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        # Connects the receivers that drop the in-memory routing copy.
        from casework import reference_data  # noqa: F401
