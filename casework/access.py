"""Which cases a member of staff may see: each role only what it needs.

- Control room agents and supervisors (``casework.view_all_cases``): every
  crime report and chat case.
- Intelligence officers (``casework.view_intelligence``): intelligence cases,
  which nobody else sees.
- Investigators: their own team's cases (their team from StaffMember).
- Superusers hold every permission, so they see everything.

Every admin page that shows a case, and every casework.workflow action on
one, goes through `visible_cases`, so a case outside it is refused (in admin,
with the attempt audited) rather than shown or changed.
"""

from django.db.models import Q, QuerySet

from casework.models import Case, StaffMember

INTELLIGENCE = Case.Channel.INTELLIGENCE


def team_id_of(user) -> int | None:
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_casework_team_id", False)
    if cached is not False:
        return cached
    team_id = (
        StaffMember.objects.filter(user=user).values_list("team_id", flat=True).first()
    )
    user._casework_team_id = team_id
    return team_id


def visible_cases(user, cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    cases = Case.objects.all() if cases is None else cases
    if not (user.is_active and user.is_staff):
        return cases.none()
    if user.is_superuser:
        return cases
    allowed = Q()
    granted = False
    if user.has_perm("casework.view_all_cases"):
        allowed |= ~Q(channel=INTELLIGENCE)
        granted = True
    if user.has_perm("casework.view_intelligence"):
        allowed |= Q(channel=INTELLIGENCE)
        granted = True
    team_id = team_id_of(user)
    if team_id is not None and not user.has_perm("casework.view_all_cases"):
        allowed |= Q(team_id=team_id) & ~Q(channel=INTELLIGENCE)
        granted = True
    if not granted:
        return cases.none()
    if user.has_perm("casework.view_all_cases") and user.has_perm(
        "casework.view_intelligence"
    ):
        return cases
    return cases.filter(allowed)


def may_see(user, case: Case) -> bool:
    return visible_cases(user, Case.objects.filter(pk=case.pk)).exists()
