from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebchatConfig(AppConfig):
    name = "webchat"
    verbose_name = _("Web chat")

    def ready(self) -> None:
        # Connects the receiver that drops the cached danger words on a change.
        from webchat import messages  # noqa: F401
