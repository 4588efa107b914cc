"""CSV export of the filtered case list."""

import csv
import io

import pytest

from casework.models import Case
from tests.casework.factories import make_case

pytestmark = pytest.mark.django_db

EXPORT = "/admin/casework/case/export.csv"


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_holds_the_list_as_filtered(staff):
    high = make_case(priority=Case.Priority.HIGH)
    make_case()
    response = staff("supervisor").get(EXPORT, {"priority__exact": "2"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    [row] = rows(response)
    assert row["Reference"] == high.reference
    assert row["Priority"] == "High"
    assert row["District"] == "North Hertfordshire"
    assert row["Kind"] == "Theft of a bicycle"


def test_export_holds_no_reporters_details(staff):
    make_case(email="private@example.com")
    text = staff("supervisor").get(EXPORT).content.decode()
    assert "private@example.com" not in text
    assert "My bike was taken" not in text


def test_a_cell_a_spreadsheet_would_run_is_defused(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(kind_label='=HYPERLINK("http://x")')
    [row] = rows(staff("supervisor").get(EXPORT))
    assert row["Kind"] == '\'=HYPERLINK("http://x")'


def test_the_list_page_offers_the_export_of_what_it_shows(staff):
    make_case()
    html = staff("supervisor").get("/admin/casework/case/", {"queue": "new"})
    assert f"{EXPORT}?queue=new" in html.content.decode()
    agent_html = staff("agent").get("/admin/casework/case/").content.decode()
    assert "Export this list as CSV" not in agent_html


def test_export_stops_at_the_limit(staff, settings):
    settings.CASE_EXPORT_MAX_ROWS = 2
    for _ in range(3):
        make_case()
    response = staff("supervisor").get(EXPORT)
    assert len(rows(response)) == 2
    assert response["X-Export-Truncated"] == "2"
