import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework import roles

DEMO_STAFF = [
    ("agent", "Alex", "Agent", roles.CONTROL_ROOM_AGENT),
    ("supervisor", "Sam", "Supervisor", roles.CONTROL_ROOM_SUPERVISOR),
    ("intel", "Indira", "Intel", roles.INTELLIGENCE_OFFICER),
    ("investigator", "Ivan", "Investigator", roles.INVESTIGATOR),
    ("editor", "Erin", "Editor", roles.CONTENT_EDITOR),
]


class Command(BaseCommand):
    help = (
        "Seed roles and demo staff accounts for the embedded site. Each run "
        "gives every demo account a new random password and prints it."
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
        self.stdout.write("Demo staff accounts (sign in at /admin/):")
        for username, first, last, role in DEMO_STAFF:
            password = secrets.token_urlsafe(12)
            user, _ = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.invalid"
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([groups[role]])
            self.stdout.write(f"  {username:<14} {password:<20} {role}")
