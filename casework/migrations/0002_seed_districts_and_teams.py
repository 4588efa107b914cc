"""The county's districts, their postcode outward codes, and the teams.

Reference data every environment needs (routing depends on it), so it lives
in a migration rather than a demo fixture.
"""

from django.db import migrations
from django.utils.text import slugify

from casework.districts import COUNTY_TEAMS, DISTRICT_OUTWARD_CODES


def seed(apps, schema_editor):
    District = apps.get_model("casework", "District")
    PostcodeArea = apps.get_model("casework", "PostcodeArea")
    Team = apps.get_model("casework", "Team")
    for name, codes in DISTRICT_OUTWARD_CODES.items():
        district, _ = District.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        for code in codes:
            PostcodeArea.objects.get_or_create(
                outward_code=code, defaults={"district": district}
            )
        Team.objects.get_or_create(
            name=f"{name} Safer Neighbourhood Team",
            defaults={"kind": "neighbourhood", "district": district},
        )
    for name, kind in COUNTY_TEAMS:
        Team.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
