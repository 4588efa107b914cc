# Uploaded files go to a folder of each test's own, with no clamd configured.
from tests.casework.conftest import evidence_root  # noqa: F401
