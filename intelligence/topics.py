"""What people tell us about, and what goes elsewhere."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    hint: str = ""
    # Information on these topics is read at once, whatever it says.
    immediate_review: bool = False


TOPICS = [
    Topic(
        "drug_dealing", _("Drug dealing"), _("Including drugs sold from a house or car")
    ),
    Topic("cannabis_growing", _("Cannabis growing")),
    Topic(
        "exploitation",
        _("County lines, or exploitation of a child or vulnerable adult"),
        _("For example, young people made to carry drugs, or a home taken over"),
        immediate_review=True,
    ),
    Topic(
        "weapons",
        _("Weapons"),
        _("Knives, guns or other weapons"),
        immediate_review=True,
    ),
    Topic("violence", _("Violence or threats of violence"), immediate_review=True),
    Topic("theft_handling", _("Theft, or handling stolen goods")),
    Topic("wanted_missing", _("A wanted or missing person")),
    Topic(
        "slavery",
        _("Modern slavery or human trafficking"),
        _("Someone forced to work, or controlled by others"),
        immediate_review=True,
    ),
    Topic("suspicious", _("Suspicious activity")),
    Topic("vehicles", _("Vehicles used in crime")),
    Topic("asb", _("Anti-social behaviour")),
    Topic("other", _("Something else")),
]

ELSEWHERE = [
    Topic("child_at_risk", _("A child is at risk of harm right now")),
    Topic("terrorism", _("Terrorism or suspected terrorism")),
    Topic("fraud", _("Fraud or a scam")),
]

BY_SLUG = {topic.slug: topic for topic in TOPICS}
ELSEWHERE_SLUGS = {topic.slug for topic in ELSEWHERE}

# Words that mark information for immediate review, whatever the topic.
RISK_WORDS = [
    "child",
    "children",
    "kid",
    "knife",
    "knives",
    "gun",
    "firearm",
    "shoot",
    "stab",
    "machete",
    "weapon",
    "kill",
    "bomb",
    "kidnap",
    "hostage",
    "threat",
]
