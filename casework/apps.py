from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        # Connects the receivers: the in-memory routing copy is dropped on
        # change; a sign-in without an authenticator app may set one up.
        from casework import authenticators, reference_data  # noqa: F401
