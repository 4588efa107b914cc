"""How fast is the triage list with a million reports, against Django's default?

Makes its own PostgreSQL database, migrates it, loads 1,000,000 cases each
with its crime report in SQL (generate_series; indexes dropped for the load
and built again after, as a restore would), then times the triage case list
(/admin/casework/case/) through Django's test Client, signed in as a
superuser with the second factor, for: the default view, a district filter,
a name search, and page 500. In the same run it times the same requests
against a plain `admin.ModelAdmin` for Case (same columns, filters, search
fields and order) on a separate AdminSite mounted only here, and prints p50,
p95 and the ratio. Drops its database at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hertsreport \\
        .venv/bin/python bench/admin_scale.py [--cases 1000000] [--runs 15]

Target (issue 5): p95 under 300 ms and at most a tenth of the default.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
BENCH_DB = "hertsreport_bench_admin"

KINDS = [
    ("theft_person", "Theft from a person"),
    ("theft_shop", "Theft from a shop"),
    ("theft_cycle", "Theft of a bicycle"),
    ("theft_other", "Other theft"),
    ("burglary_outbuilding", "Burglary of a shed, garage or outbuilding"),
    ("criminal_damage", "Damage to property"),
    ("vehicle_theft", "Theft of a vehicle"),
    ("vehicle_theft_from", "Theft from a vehicle"),
    ("vehicle_damage", "Damage to a vehicle"),
    ("harassment", "Harassment or malicious messages"),
    ("asb", "Anti-social behaviour"),
    ("assault_no_injury", "Assault without injury"),
    ("other", "Something else"),
]
FIRST_NAMES = [
    "Sam",
    "Alex",
    "Priya",
    "Tom",
    "Aisha",
    "Jack",
    "Olivia",
    "Mohammed",
    "Chloe",
    "Daniel",
    "Grace",
    "Ravi",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Thompson",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Khan",
    "Singh",
    "Roberts",
    "Evans",
    "Wood",
    "Turner",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
]
THINGS = [
    "bicycle",
    "phone",
    "wallet",
    "laptop",
    "handbag",
    "van",
    "car",
    "shed",
    "fence",
    "window",
]
PLACES = [
    "station",
    "market",
    "park",
    "school",
    "car-park",
    "high-street",
    "garage",
    "alley",
]

# ROOT_URLCONF during the run: the site plus Django's default changelist for
# the same model. Filled in once the app registry is ready (main()).
urlpatterns = []


def _default_admin_urls():
    from django.contrib import admin
    from django.urls import include, path

    from casework.models import Case

    class DefaultCaseAdmin(admin.ModelAdmin):
        list_display = [
            "reference",
            "received_at",
            "kind_label",
            "district",
            "priority",
            "status",
            "review_due_at",
            "assigned_to",
        ]
        list_filter = ["status", "priority", "channel", "district"]
        search_fields = [
            "reference",
            "contact_email",
            "postcode",
            "summary",
            "report__reporter_name",
            "report__reporter_email",
        ]
        ordering = ["priority", "received_at"]

    site = admin.AdminSite(name="defaultadmin")
    site.register(Case, DefaultCaseAdmin)
    return [
        path("default-admin/", site.urls),
        path("", include("hertsreport.urls")),
    ]


def configure(database_url: str) -> str:
    parsed = urlparse(database_url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        sys.exit("Set DATABASE_URL to a PostgreSQL server: this bench needs one.")
    bench_url = parsed._replace(path=f"/{BENCH_DB}").geturl()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": bench_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_MANIFEST": "false",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
        }
    )
    return urlparse(database_url)._replace(path="/postgres").geturl()


def create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def load(cases: int) -> None:
    """A million cases over five years, the newest 8% open, each with a report."""
    from django.db import connection

    from casework.models import District, PostcodeArea, Team

    areas = list(PostcodeArea.objects.values_list("outward_code", "district_id"))
    teams = list(Team.objects.values_list("pk", flat=True))
    assert District.objects.exists() and areas and teams
    open_cases = cases * 8 // 100
    unreviewed = max(open_cases // 25, 10)
    tables = ["casework_case", "reports_report"]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        indexes = _secondary_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO casework_case (
                reference, channel, kind, kind_label, summary, status, priority,
                priority_reasons, postcode, district_id, outside_force_area,
                team_id, assigned_to_id, contact_email, is_sensitive, received_at,
                review_due_at, first_reviewed_at, overdue_alerted_at,
                needs_attention, access_passphrase_hash, outcome, crime_number,
                duplicate_of_id, closing_reason, closed_at)
            SELECT
                format('CR-%%s-%%s-B', 20 + g %% 7, lpad(g::text, 7, '0')),
                'report', k.slug, k.label,
                format('My %%s was taken from the %%s near %%s %%s',
                       (%(things)s::text[])[1 + g %% 10],
                       (%(places)s::text[])[1 + (g / 10) %% 8],
                       a.outward, g %% 97),
                CASE WHEN g > %(open)s THEN 'closed'
                     ELSE (ARRAY['received','triaged','assigned','in_progress',
                                 'awaiting_information'])[1 + g %% 5] END,
                CASE WHEN g %% 20 = 0 THEN 1 WHEN g %% 5 = 1 THEN 2
                     WHEN g %% 7 = 3 THEN 4 ELSE 3 END,
                '[]'::jsonb,
                a.outward || ' ' || (g %% 9)::text || chr(65 + g %% 26)
                    || chr(65 + (g / 26) %% 26),
                a.district_id, false,
                (%(teams)s::bigint[])[1 + g %% %(team_count)s],
                NULL, format('person%%s@example.com', g), false,
                now() - g * interval '157 seconds',
                now() - g * interval '157 seconds' + interval '24 hours',
                CASE WHEN g <= %(unreviewed)s THEN NULL
                     ELSE now() - g * interval '157 seconds' + interval '3 hours'
                END,
                NULL, g %% 997 = 0 AND g <= %(open)s, '',
                CASE WHEN g > %(open)s THEN 'no_crime' ELSE '' END, '', NULL, '',
                CASE WHEN g > %(open)s THEN now() - g * interval '157 seconds'
                    + interval '5 days' END
            FROM generate_series(1, %(cases)s) AS g
            CROSS JOIN LATERAL (
                SELECT (%(kinds)s::text[])[1 + g %% %(kind_count)s] AS slug,
                       (%(labels)s::text[])[1 + g %% %(kind_count)s] AS label
            ) AS k
            CROSS JOIN LATERAL (
                SELECT (%(outwards)s::text[])[1 + g %% %(area_count)s] AS outward,
                       (%(districts)s::bigint[])[1 + g %% %(area_count)s]
                           AS district_id
            ) AS a
            """,
            {
                "cases": cases,
                "open": open_cases,
                "unreviewed": unreviewed,
                "things": THINGS,
                "places": PLACES,
                "teams": teams,
                "team_count": len(teams),
                "kinds": [slug for slug, _ in KINDS],
                "labels": [label for _, label in KINDS],
                "kind_count": len(KINDS),
                "outwards": [code for code, _ in areas],
                "districts": [district for _, district in areas],
                "area_count": len(areas),
            },
        )
        print(f"  cases: {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO reports_report (
                case_id, kind, answers, occurred_from, occurred_to, occurred_time,
                place, postcode, description, reporter_role, reporter_name,
                reporter_email, reporter_phone, victim_name, submitted_at)
            SELECT c.id, c.kind, '{}'::jsonb, NULL, NULL, '', 'Somewhere',
                   c.postcode, c.summary, 'victim',
                   (%(first)s::text[])[1 + c.id %% 12] || ' ' ||
                   CASE WHEN c.id %% 1000 = 7 THEN 'Okonkwo'
                        ELSE (%(surnames)s::text[])[1 + (c.id / 12) %% 30] END,
                   c.contact_email, '', '', c.received_at
            FROM casework_case c
            """,
            {"first": FIRST_NAMES, "surnames": SURNAMES},
        )
        print(f"  reports: {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE casework_case")
        cursor.execute("VACUUM ANALYZE reports_report")
        print(
            f"  {len(indexes)} indexes and ANALYZE: "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )


def signed_in_superuser():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser(
            "bench", "bench@example.invalid", "bench-password-not-used"
        )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client, url: str, runs: int) -> list[float]:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def measure(runs: int) -> list[tuple[str, list[float], list[float]]]:
    from casework.models import District

    district = District.objects.get(name="Watford").pk
    client = signed_in_superuser()
    variants = [
        ("default view", ""),
        ("district filter", f"?district__id__exact={district}"),
        ("name search", "?q=okonkwo"),
        ("page 500", "?p=500"),
    ]
    results = []
    for name, query in variants:
        ours = timed(client, f"/admin/casework/case/{query}", runs)
        default = timed(client, f"/default-admin/casework/case/{query}", runs)
        results.append((name, ours, default))
        print(
            f"  {name:<16} ours p95 {p(ours, 95):7.1f} ms   "
            f"default p95 {p(default, 95):8.1f} ms",
            flush=True,
        )
    return results


def report(results, cases: int, runs: int) -> bool:
    print(
        f"\nTriage case list, {cases:,} cases with reports, {runs} timed requests "
        "each (ms, Django test Client in-process, PostgreSQL)\n"
    )
    header = (
        f"{'request':<16} {'ours p50':>9} {'ours p95':>9} "
        f"{'default p50':>12} {'default p95':>12} {'p95 ratio':>10}"
    )
    print(header)
    print("-" * len(header))
    met = True
    for name, ours, default in results:
        ratio = p(default, 95) / p(ours, 95)
        met = met and p(ours, 95) < 300 and ratio >= 10
        print(
            f"{name:<16} {p(ours, 50):9.1f} {p(ours, 95):9.1f} "
            f"{p(default, 50):12.1f} {p(default, 95):12.1f} {ratio:9.1f}x"
        )
    print(
        "\nTarget: p95 under 300 ms and at most a tenth of the default: "
        + ("met" if met else "NOT met")
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (EXPLAIN)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time a database kept by --keep"
    )
    args = parser.parse_args()
    admin_url = configure(os.environ.get("DATABASE_URL", ""))
    sys.path.insert(0, str(REPO))
    if not args.reuse:
        create_database(admin_url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import override_settings

        import bench.admin_scale as this

        this.urlpatterns = _default_admin_urls()
        override_settings(ROOT_URLCONF="bench.admin_scale").enable()
        started = time.perf_counter()
        if not args.reuse:
            call_command("migrate", verbosity=0, interactive=False)
            print(f"Loading {args.cases:,} cases with their reports…", flush=True)
            load(args.cases)
        print("Timing…", flush=True)
        results = measure(args.runs)
        report(results, args.cases, args.runs)
        print(f"\nWhole run: {time.perf_counter() - started:.0f} s")
        connections.close_all()
    finally:
        if not args.keep:
            drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
