"""Staff roles, as Django groups, and the permissions each one holds.

Each issue that adds models adds their permissions here; `manage.py
seed_roles` makes the groups match this table (it also removes permissions
a role no longer lists).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

CONTROL_ROOM_AGENT = "Control room agent"
CONTROL_ROOM_SUPERVISOR = "Control room supervisor"
INTELLIGENCE_OFFICER = "Intelligence officer"
INVESTIGATOR = "Investigator"
CONTENT_EDITOR = "Content editor"

_READ_REFERENCE_DATA = [
    "casework.view_district",
    "casework.view_postcodearea",
    "casework.view_team",
]

# Content editors keep service information up to date and read what the
# public told us about it; they may delete feedback and search misses (for
# example once a missing page is written) but never edit them.
_EDIT_SERVICE_INFORMATION = [
    f"guidance.{action}_{model}"
    for model in ["category", "department", "servicepage", "synonym"]
    for action in ["view", "add", "change", "delete"]
] + [
    f"guidance.{action}_{model}"
    for model in ["searchmiss", "pagefeedback", "journeyfeedback"]
    for action in ["view", "delete"]
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CONTROL_ROOM_AGENT: [
        *_READ_REFERENCE_DATA,
        "casework.view_staffnotice",
        "webchat.answer_chats",
        "webchat.view_conversation",
        "webchat.view_cannedreply",
    ],
    CONTROL_ROOM_SUPERVISOR: [
        *_READ_REFERENCE_DATA,
        "casework.view_staffnotice",
        "casework.add_staffnotice",
        "casework.change_team",
        "webchat.answer_chats",
        "webchat.supervise_chats",
        "webchat.view_conversation",
        "webchat.view_agentpresence",
        "webchat.change_agentpresence",
        "webchat.add_cannedreply",
        "webchat.change_cannedreply",
        "webchat.delete_cannedreply",
        "webchat.view_cannedreply",
        "webchat.add_dangerphrase",
        "webchat.change_dangerphrase",
        "webchat.delete_dangerphrase",
        "webchat.view_dangerphrase",
        "webchat.add_openinghours",
        "webchat.change_openinghours",
        "webchat.view_openinghours",
    ],
    INTELLIGENCE_OFFICER: [
        *_READ_REFERENCE_DATA,
        "intelligence.view_intelligencesubmission",
        "intelligence.change_intelligencesubmission",
        "intelligence.grade_intelligence",
    ],
    INVESTIGATOR: [*_READ_REFERENCE_DATA],
    CONTENT_EDITOR: [*_EDIT_SERVICE_INFORMATION],
}


# --- Triage (issue 5) --------------------------------------------------------
# Which cases each role sees is decided in casework/admin/access.py from these:
# view_all_cases (every report and chat), view_intelligence (intelligence,
# which no other role sees); an investigator without either sees their own
# team's cases. view_auditentry shows a record's audit trail.
_WORK_ON_CASES = [
    "casework.view_case",
    "casework.change_case",
    "casework.download_evidence",
]
_TRIAGE = {
    CONTROL_ROOM_AGENT: [*_WORK_ON_CASES, "casework.view_all_cases"],
    CONTROL_ROOM_SUPERVISOR: [
        *_WORK_ON_CASES,
        "casework.view_all_cases",
        "casework.assign_case",
        "casework.export_case",
        "casework.view_auditentry",
        "casework.view_staffmember",
        # A colleague who lost their phone sets up a new authenticator app.
        "casework.reset_authenticator",
    ],
    INTELLIGENCE_OFFICER: [
        *_WORK_ON_CASES,
        "casework.view_intelligence",
        "casework.assign_case",
        "casework.export_case",
        "casework.view_auditentry",
    ],
    INVESTIGATOR: [*_WORK_ON_CASES],
}
for _role, _permissions in _TRIAGE.items():
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS[_role], *_permissions]


class UnknownPermission(LookupError):
    pass


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist:
        raise UnknownPermission(
            f"{dotted} does not exist: run migrate first, or fix roles.py"
        ) from None


@transaction.atomic
def seed_roles() -> dict[str, Group]:
    """Create or update one group per role with exactly its listed permissions."""
    groups = {}
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(name) for name in dotted_names])
        groups[role] = group
    return groups
