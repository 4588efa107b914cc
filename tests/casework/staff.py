"""Staff accounts in each role, signed in (password and second factor), and
cases as the public make them, for the admin, audit and security tests."""

import pytest
from django.test import Client

from casework import roles
from casework.models import StaffMember, Team

ROLES = {
    "agent": roles.CONTROL_ROOM_AGENT,
    "supervisor": roles.CONTROL_ROOM_SUPERVISOR,
    "intelligence": roles.INTELLIGENCE_OFFICER,
    "investigator": roles.INVESTIGATOR,
    "editor": roles.CONTENT_EDITOR,
}
TEAMS = {
    "agent": "Force Control Room",
    "supervisor": "Force Control Room",
    "intelligence": "Force Intelligence Bureau",
    "investigator": "Crime Management Unit",
}


def make_staff(django_user_model, role: str, username: str | None = None):
    groups = roles.seed_roles()
    user = django_user_model.objects.create_user(
        username=username or role,
        first_name=role.title(),
        last_name="Tester",
        password="a-long-test-password",
        is_staff=True,
    )
    user.groups.add(groups[ROLES[role]])
    if role in TEAMS:
        StaffMember.objects.filter(user=user).update(
            team=Team.objects.get(name=TEAMS[role])
        )
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(django_user_model):
    """staff("supervisor") -> a signed-in client for a new user in that role."""
    made = {}

    def client_for(role: str, username: str | None = None) -> Client:
        user = make_staff(django_user_model, role, username)
        client = signed_in(user)
        client.user = user
        made[username or role] = client
        return client

    return client_for
