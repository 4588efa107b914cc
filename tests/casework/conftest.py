import pytest


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Each test keeps evidence in its own folder, with no clamd configured."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    return settings.EVIDENCE_ROOT


# Signed-in staff in each role, for the admin, audit and security tests.
from tests.casework.staff import staff  # noqa: E402, F401
