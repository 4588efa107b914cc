"""Each role against each casework admin page: what it may open, and what
it is refused. 200 opens; 302 is the "say why" page of a restricted record;
403 is refused (and audited where it is a record)."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from casework.attachments import Attachment
from casework.audit import AuditEntry
from casework.models import Case
from tests.casework.factories import make_case

pytestmark = pytest.mark.django_db

ROLES = ["agent", "supervisor", "intelligence", "investigator", "editor"]


@pytest.fixture
def records():
    report = make_case()  # the Crime Management Unit's: the investigator's team
    intelligence = make_case(channel=Case.Channel.INTELLIGENCE)
    attachment = Attachment(
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=4,
        sha256="0" * 64,
        scan_status=Attachment.ScanStatus.CLEAN,
        created_at=timezone.now(),
        case=report,
    )
    attachment.file.save(f"{attachment.pk}.jpg", ContentFile(b"jpeg"), save=False)
    attachment.save()
    return {"report": report, "intel": intelligence, "file": attachment}


def case_page(key, action="change"):
    return lambda r: f"/admin/casework/case/{r[key].pk}/{action}/"


PAGES = {
    "index": (lambda r: "/admin/", dict.fromkeys(ROLES, 200)),
    "case list": (
        lambda r: "/admin/casework/case/",
        {**dict.fromkeys(ROLES, 200), "editor": 403},
    ),
    "report case": (
        case_page("report"),
        {"agent": 200, "supervisor": 200, "intelligence": 403, "investigator": 200}
        | {"editor": 403},
    ),
    "intelligence case": (
        case_page("intel"),
        {**dict.fromkeys(ROLES, 403), "intelligence": 302},
    ),
    **{
        f"report {action}": (
            case_page("report", action),
            {"agent": 200, "supervisor": 200, "intelligence": 403}
            | {"investigator": 200, "editor": 403},
        )
        for action in ["assess", "close", "note", "update", "status"]
    },
    "report assign": (
        case_page("report", "assign"),
        {**dict.fromkeys(ROLES, 403), "supervisor": 200},
    ),
    "bulk assign": (
        lambda r: f"/admin/casework/case/assign/?ids={r['report'].pk}",
        # An intelligence officer may assign, but not this report: sent back.
        {**dict.fromkeys(ROLES, 403), "supervisor": 200, "intelligence": 302},
    ),
    "export": (
        lambda r: "/admin/casework/case/export.csv",
        {**dict.fromkeys(ROLES, 403), "supervisor": 200, "intelligence": 200},
    ),
    "evidence": (
        lambda r: f"/admin/casework/case/evidence/{r['file'].pk}/",
        {"agent": 200, "supervisor": 200, "intelligence": 403}
        | {"investigator": 200, "editor": 403},
    ),
    "audit trail": (
        lambda r: "/admin/casework/auditentry/",
        {**dict.fromkeys(ROLES, 403), "supervisor": 200, "intelligence": 200},
    ),
    "staff teams": (
        lambda r: "/admin/casework/staffmember/",
        {**dict.fromkeys(ROLES, 403), "supervisor": 200},
    ),
    "report admin leads to the case": (
        lambda r: f"/admin/reports/report/{r['report'].pk}/change/",
        dict.fromkeys(ROLES, 302),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(PAGES))
def test_role_against_page(staff, records, role, name):
    url, expected = PAGES[name]
    response = staff(role).get(url(records))
    assert response.status_code == expected[role], (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_actions_on_a_case_a_role_cannot_see_are_refused(staff, records, role):
    client = staff(role)
    intel = records["intel"]
    for action in ["take", "note", "update", "seen"]:
        response = client.post(
            f"/admin/casework/case/{intel.pk}/{action}/", {"text": "x"}
        )
        expected = 302 if role == "intelligence" else 403  # 302: say why first
        assert response.status_code == expected, (role, action)
    intel.refresh_from_db()
    assert intel.assigned_to is None
    assert not intel.events.filter(kind__in=["note", "public_update"]).exists()


def test_refused_attempts_on_records_are_audited(staff, records):
    staff("agent").get(f"/admin/casework/case/{records['intel'].pk}/change/")
    denied = AuditEntry.objects.get(action=AuditEntry.Action.DENIED)
    assert denied.object_id == str(records["intel"].pk)


def test_the_case_list_holds_only_what_the_role_may_see(staff, records):
    listed = {
        role: {
            c.reference
            for c in staff(role).get("/admin/casework/case/").context["cl"].result_list
        }
        for role in ["agent", "intelligence", "investigator"]
    }
    report, intel = records["report"].reference, records["intel"].reference
    assert listed == {
        "agent": {report},
        "intelligence": {intel},
        "investigator": {report},
    }


def test_an_investigator_sees_only_their_teams_cases(staff, records):
    other = make_case()
    Case.objects.filter(pk=other.pk).update(team=None)
    client = staff("investigator")
    assert client.get(f"/admin/casework/case/{other.pk}/change/").status_code == 403
    assert (
        client.get(f"/admin/casework/case/{records['report'].pk}/change/").status_code
        == 200
    )


def test_agents_cannot_assign_others_from_the_list(staff, records):
    response = staff("agent").get("/admin/casework/case/")
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "take_selected" in actions
    assert "assign_selected" not in actions


@pytest.mark.parametrize(
    ("role", "listed", "not_listed"),
    [
        ("supervisor", "/admin/casework/case/", "/admin/intelligence/"),
        ("intelligence", "/admin/intelligence/", "/admin/casework/staffmember/"),
    ],
)
def test_the_side_menu_lists_what_the_role_may_open(staff, role, listed, not_listed):
    html = staff(role).get("/admin/casework/auditentry/").content.decode()
    menu = html[html.index('id="nav-sidebar"') :]
    menu = menu[: menu.index("</nav>")]

    assert f'href="{listed}' in menu
    assert f'href="{not_listed}' not in menu
