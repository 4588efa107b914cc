from django.core.management.base import BaseCommand

from casework.roles import seed_roles


class Command(BaseCommand):
    help = "Create or update the staff roles (Django groups) and their permissions."

    def handle(self, *args, **options) -> None:
        for role, group in seed_roles().items():
            count = group.permissions.count()
            self.stdout.write(f"{role}: {count} permissions")
