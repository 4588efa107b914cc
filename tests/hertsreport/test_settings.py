"""Production mode refuses to start half-configured and passes the deploy check."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "report.herts.police.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_in_fresh_process(
    code: str, extra_env: dict, *, unset=()
) -> subprocess.CompletedProcess:
    env = {**os.environ, **extra_env}
    for name in unset:
        env.pop(name, None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "hertsreport.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = "import django; django.setup()"


def test_production_refuses_to_start_without_secret_key():
    result = run_in_fresh_process(SETUP, PRODUCTION_ENV | {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_in_fresh_process(SETUP, PRODUCTION_ENV | {"ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_deploy_check_passes_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_defaults_need_no_services():
    result = run_in_fresh_process(
        SETUP
        + "; from django.conf import settings as s;"
        + " print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        + " s.CHANNEL_LAYERS['default']['BACKEND'])",
        {},
        unset=("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"),
    )
    assert result.returncode == 0, result.stderr
    engine, eager, layer = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert layer == "channels.layers.InMemoryChannelLayer"


def test_govuk_frontend_setting_matches_the_pinned_npm_package():
    package = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())
    pinned = package["dependencies"]["govuk-frontend"]
    assert pinned == settings.GOVUK_FRONTEND_VERSION
    assert lock["packages"]["node_modules/govuk-frontend"]["version"] == pinned
    assert pinned == settings.CRISPY_GDS_FRONTEND_VERSION
