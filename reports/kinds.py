"""The kinds of crime people can report online, and the ones that go elsewhere."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CrimeKind:
    slug: str
    label: str
    hint: str = ""
    team: str = "Crime Management Unit"
    # Something was stolen or damaged, so we ask about the items.
    asks_items: bool = False
    asks_vehicle: bool = False
    sensitive: bool = False


@dataclass(frozen=True)
class ElsewhereKind:
    """A kind of report that belongs to another service: we explain and link."""

    slug: str
    label: str
    hint: str = ""


REPORTABLE = [
    CrimeKind(
        "theft_person",
        _("Theft from a person"),
        _("For example, a pickpocket"),
        asks_items=True,
    ),
    CrimeKind("theft_shop", _("Theft from a shop"), _("Shoplifting"), asks_items=True),
    CrimeKind("theft_cycle", _("Theft of a bicycle"), asks_items=True),
    CrimeKind("theft_other", _("Other theft"), asks_items=True),
    CrimeKind(
        "burglary_outbuilding",
        _("Burglary of a shed, garage or outbuilding"),
        _("Not a home: if someone broke into your home, call 101"),
        asks_items=True,
    ),
    CrimeKind(
        "criminal_damage",
        _("Damage to property"),
        _("Criminal damage"),
        asks_items=True,
    ),
    CrimeKind("vehicle_theft", _("Theft of a vehicle"), asks_vehicle=True),
    CrimeKind(
        "vehicle_theft_from",
        _("Theft from a vehicle"),
        asks_items=True,
        asks_vehicle=True,
    ),
    CrimeKind("vehicle_damage", _("Damage to a vehicle"), asks_vehicle=True),
    CrimeKind(
        "hate",
        _("Hate crime or hate incident"),
        _(
            "Targeted because of race, religion, disability, sexual orientation or "
            "transgender identity"
        ),
        team="Hate Crime Unit",
        sensitive=True,
    ),
    CrimeKind(
        "harassment",
        _("Harassment or malicious messages"),
        _("Including online, by text or by phone"),
    ),
    CrimeKind(
        "asb",
        _("Anti-social behaviour"),
        _("For example, noise, nuisance, or intimidating behaviour"),
        team="Safer Neighbourhood Team",
    ),
    CrimeKind(
        "assault_no_injury",
        _("Assault without injury"),
        _("Someone used force against you, but you were not hurt"),
    ),
    CrimeKind("other", _("Something else")),
]

ELSEWHERE = [
    ElsewhereKind("fraud", _("Fraud or a scam"), _("Including online shopping fraud")),
    ElsewhereKind("lost_property", _("Lost property")),
    ElsewhereKind("terrorism", _("Terrorism or suspected terrorism")),
    ElsewhereKind("road_collision", _("A road traffic collision")),
]

BY_SLUG: dict[str, CrimeKind] = {kind.slug: kind for kind in REPORTABLE}
ELSEWHERE_SLUGS = {kind.slug for kind in ELSEWHERE}


def kind_of(answers: dict) -> CrimeKind | None:
    return BY_SLUG.get(answers.get("kind", {}).get("kind", ""))
