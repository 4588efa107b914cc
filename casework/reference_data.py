"""Where a submission goes: its district from the postcode, its team by name.

Every submission reads this reference data and it changes a few times a
year, so each process keeps a copy in memory for up to a minute instead of
querying it on each submit (two database round trips of the dozen a report
costs). An edit through admin clears this process's copy at once and the
other processes' within ROUTING_CACHE_SECONDS.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from casework.models import District, PostcodeArea, Team


@dataclass(frozen=True)
class _Routing:
    loaded_at: float
    district_by_outward_code: dict[str, District] = field(default_factory=dict)
    team_by_name: dict[str, Team] = field(default_factory=dict)
    neighbourhood_team_by_district: dict[int, Team] = field(default_factory=dict)


_copy: _Routing | None = None


def _load() -> _Routing:
    routing = _Routing(loaded_at=time.monotonic())
    for area in PostcodeArea.objects.select_related("district"):
        routing.district_by_outward_code[area.outward_code] = area.district
    # Where two teams could answer, the first by name wins, as a query's
    # `.first()` would choose.
    for team in Team.objects.order_by("-name"):
        routing.team_by_name[team.name] = team
        if team.kind == Team.Kind.NEIGHBOURHOOD and team.district_id:
            routing.neighbourhood_team_by_district[team.district_id] = team
    return routing


def _routing() -> _Routing:
    global _copy
    routing = _copy
    if routing is None or (
        time.monotonic() - routing.loaded_at > settings.ROUTING_CACHE_SECONDS
    ):
        routing = _copy = _load()
    return routing


def forget() -> None:
    """Drop this process's copy; the next lookup reads the database again."""
    global _copy
    _copy = None


@receiver(post_save, sender=PostcodeArea)
@receiver(post_save, sender=District)
@receiver(post_save, sender=Team)
@receiver(post_delete, sender=PostcodeArea)
@receiver(post_delete, sender=District)
@receiver(post_delete, sender=Team)
def _forget_on_change(**kwargs) -> None:
    # Now, and again once the change commits: a lookup in another thread
    # between the two would otherwise load the old rows and keep them.
    forget()
    transaction.on_commit(forget)


def district_for_outward_code(code: str) -> District | None:
    return _routing().district_by_outward_code.get(code) if code else None


def team_named(name: str) -> Team | None:
    return _routing().team_by_name.get(name)


def neighbourhood_team_of(district: District) -> Team | None:
    return _routing().neighbourhood_team_by_district.get(district.pk)
