"""The journeys people can give feedback on, as named in /feedback/?journey=…"""

from django.utils.translation import gettext_lazy as _

# key: how a confirmation page names the journey in its link to /feedback/.
JOURNEYS = {
    "report": _("reporting a crime"),
    "tell-us": _("telling us about something"),
    "chat": _("chatting with us"),
    "track": _("tracking a report"),
    "services": _("finding a service or contact"),
}


def journey_label(key: str):
    return JOURNEYS.get(key, _("this website"))
