"""/help/: a short guide to using this website, one topic a page."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpTopic:
    slug: str
    title: Promise
    # Pages that already exist elsewhere are listed in the contents by URL name.
    url_name: str = ""

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        return reverse("guidance:help_topic", args=[self.slug])

    @property
    def template(self) -> str:
        return f"guidance/help/{self.slug}.html"


TOPICS = [
    HelpTopic("what-you-can-do-online", _("What you can and cannot do online")),
    HelpTopic("after-you-report", _("What happens after you report")),
    HelpTopic("tracking-a-report", _("Tracking a report")),
    HelpTopic("staying-safe", _("Using this website safely")),
    HelpTopic("accessibility", _("Accessibility"), "guidance:accessibility"),
    HelpTopic("cookies", _("Cookies"), "guidance:cookies"),
    HelpTopic("privacy", _("Privacy"), "guidance:privacy"),
]
GUIDE = [topic for topic in TOPICS if not topic.url_name]
BY_SLUG = {topic.slug: topic for topic in GUIDE}


def neighbours(topic: HelpTopic) -> tuple[HelpTopic | None, HelpTopic | None]:
    index = GUIDE.index(topic)
    before = GUIDE[index - 1] if index > 0 else None
    after = GUIDE[index + 1] if index + 1 < len(GUIDE) else None
    return before, after
