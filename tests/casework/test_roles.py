"""Staff roles are Django groups holding exactly the permissions listed."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import roles

pytestmark = pytest.mark.django_db


def test_seed_roles_creates_the_five_roles():
    roles.seed_roles()
    assert set(Group.objects.values_list("name", flat=True)) == {
        "Control room agent",
        "Control room supervisor",
        "Intelligence officer",
        "Investigator",
        "Content editor",
    }


def test_seed_roles_is_repeatable_and_removes_what_a_role_no_longer_lists():
    roles.seed_roles()
    agent = Group.objects.get(name=roles.CONTROL_ROOM_AGENT)
    stray = Permission.objects.get(codename="delete_district")
    agent.permissions.add(stray)

    roles.seed_roles()

    assert Group.objects.count() == 5
    assert stray not in agent.permissions.all()


def test_only_supervisors_may_post_staff_notices(django_user_model):
    groups = roles.seed_roles()
    for role, group in groups.items():
        user = django_user_model.objects.create_user(username=role, is_staff=True)
        user.groups.add(group)
        can_post = user.has_perm("casework.add_staffnotice")
        assert can_post == (role == roles.CONTROL_ROOM_SUPERVISOR), role


def test_seed_demo_prints_each_demo_account_with_a_working_password_and_code(
    settings, django_user_model, capsys
):
    """Each account: a line "username password key role", then its otpauth URI."""
    settings.DEBUG = True
    call_command("seed_demo")
    lines = capsys.readouterr().out.splitlines()[1:]
    accounts = [line.split() for line in lines if not line.strip().startswith("otp")]
    uris = [line.strip() for line in lines if line.strip().startswith("otpauth://")]
    assert len(accounts) == 5
    assert len(uris) == 5
    for (username, password, key, *_role), uri in zip(accounts, uris, strict=True):
        user = django_user_model.objects.get(username=username)
        assert user.is_staff
        assert user.check_password(password)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert f"secret={key}" in uri
        assert device.verify_token(str(totp(device.bin_key)).zfill(6))


def test_seed_demo_refuses_on_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
