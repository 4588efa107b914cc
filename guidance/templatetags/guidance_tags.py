"""Template helpers for the service information pages and the feedback component."""

from django import template
from django.contrib.messages import get_messages

register = template.Library()


@register.simple_tag(takes_context=True)
def page_feedback_thanks(context) -> str:
    """The thank-you after “Is this page useful?”, if this page should show it.

    Only the page-feedback component shows messages on public pages, so
    reading them all here (which marks them as shown) loses nothing.
    """
    request = context.get("request")
    if request is None:
        return ""
    for message in get_messages(request):
        if "page-feedback" in message.extra_tags:
            return str(message)
    return ""
