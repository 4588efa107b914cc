import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import roles
from casework.models import StaffMember, Team

DEMO_STAFF = [
    ("agent", "Alex", "Agent", roles.CONTROL_ROOM_AGENT),
    ("supervisor", "Sam", "Supervisor", roles.CONTROL_ROOM_SUPERVISOR),
    ("intel", "Indira", "Intel", roles.INTELLIGENCE_OFFICER),
    ("investigator", "Ivan", "Investigator", roles.INVESTIGATOR),
    ("editor", "Erin", "Editor", roles.CONTENT_EDITOR),
]
# The team each demo account works in (its "my team" queue; an investigator
# sees only their team's cases).
DEMO_TEAMS = {
    "agent": "Force Control Room",
    "supervisor": "Force Control Room",
    "intel": "Force Intelligence Bureau",
    "investigator": "Crime Management Unit",
}


class Command(BaseCommand):
    help = (
        "Seed roles and demo staff accounts for the embedded site. Each run "
        "gives every demo account a new random password and a new authenticator "
        "(TOTP) key, and prints both: admin asks for the password and a code."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed demo accounts even with DEBUG off (never on a live site).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo accounts are for the embedded site (DEBUG on).")
        groups = roles.seed_roles()
        user_model = get_user_model()
        self.stdout.write(
            "Demo staff accounts (sign in at /admin/ with the password and the "
            "6-digit code an authenticator app makes from the key or URI):"
        )
        for username, first, last, role in DEMO_STAFF:
            password = secrets.token_urlsafe(12)
            user, _ = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.invalid"
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([groups[role]])
            if username in DEMO_TEAMS:
                StaffMember.objects.update_or_create(
                    user=user,
                    defaults={"team": Team.objects.get(name=DEMO_TEAMS[username])},
                )
            device = reset_authenticator(user)
            key = b32encode(device.bin_key).decode()
            self.stdout.write(
                f"  {username:<14} {password:<20} {key:<34} {role}\n"
                f"  {'':<14} {device.config_url}"
            )


def reset_authenticator(user) -> TOTPDevice:
    """Give a demo account one new TOTP key (staff sign in with two factors)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name="Demo authenticator", confirmed=True
    )
