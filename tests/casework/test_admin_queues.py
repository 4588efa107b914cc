"""The triage list: queues, columns, order, search, time left, paging."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from casework import workflow
from casework.admin.paging import EstimatedCountPaginator
from casework.models import Case, StaffMember, Team
from tests.casework.factories import make_case
from tests.casework.staff import make_staff
from tests.reports.journey_data import complete_journey

pytestmark = pytest.mark.django_db

LIST = "/admin/casework/case/"


def references(response) -> list[str]:
    return [case.reference for case in response.context["cl"].result_list]


def test_default_view_is_open_cases_most_urgent_then_oldest(staff):
    now = timezone.now()
    old_standard = make_case(received_at=now - timedelta(hours=5))
    new_urgent = make_case(priority=Case.Priority.URGENT, received_at=now)
    old_urgent = make_case(
        priority=Case.Priority.URGENT, received_at=now - timedelta(hours=2)
    )
    closed = make_case(received_at=now - timedelta(days=1))
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)

    response = staff("supervisor").get(LIST)

    assert references(response) == [
        old_urgent.reference,
        new_urgent.reference,
        old_standard.reference,
    ]


def test_the_list_shows_the_columns_staff_triage_by(staff):
    make_case()
    html = staff("agent").get(LIST).content.decode()
    for heading in [
        "Reference",
        "Received",
        "Kind",
        "District",
        "Priority",
        "Status",
        "Time left",
        "Assigned to",
    ]:
        assert heading in html
    assert "Theft of a bicycle" in html
    assert "North Hertfordshire" in html
    assert "h 54 min left" in html or "h 55 min left" in html


def test_each_row_links_to_its_case_and_shows_text_as_typed(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(kind_label='Damage <img src=x> & "more"')
    html = staff("agent").get(LIST).content.decode()

    assert f'<a href="/admin/casework/case/{case.pk}/change/">{case.reference}</a>' in (
        html
    )
    assert "Damage &lt;img src=x&gt; &amp; &quot;more&quot;" in html
    assert "<img src=x>" not in html
    assert f'name="_selected_action" value="{case.pk}"' in html


def test_overdue_is_said_in_words_not_colour_alone(staff):
    make_case(received_at=timezone.now() - timedelta(hours=30))
    html = staff("agent").get(LIST).content.decode()
    assert '<strong class="hr-overdue">Overdue</strong> by 6 h' in html


@pytest.fixture
def queue_cases(django_user_model):
    me = make_staff(django_user_model, "agent", "me")
    now = timezone.now()
    cases = {
        "overdue": make_case(received_at=now - timedelta(days=3)),
        "new": make_case(),
        "mine": make_case(),
        "team": make_case(),
        "attention": make_case(),
    }
    workflow.take_case(case_id=cases["mine"].pk, by=me, now=now)
    Case.objects.filter(pk=cases["team"].pk).update(
        team=Team.objects.get(name="Force Control Room"), status="triaged"
    )
    Case.objects.filter(pk=cases["attention"].pk).update(
        needs_attention=True, status="in_progress"
    )
    return cases


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ("new", {"overdue", "new"}),
        ("overdue", {"overdue"}),
        ("mine", set()),
        ("team", {"team"}),
        ("unassigned", {"overdue", "new", "team", "attention"}),
        ("attention", {"attention"}),
    ],
)
def test_each_queue_holds_its_cases(staff, queue_cases, queue, expected):
    client = staff("supervisor")
    response = client.get(LIST, {"queue": queue})
    wanted = {queue_cases[name].reference for name in expected}
    assert set(references(response)) == wanted


def test_mine_is_what_i_took(staff, queue_cases):
    client = staff("agent")
    workflow.take_case(
        case_id=queue_cases["new"].pk, by=client.user, now=timezone.now()
    )
    response = client.get(LIST, {"queue": "mine"})
    assert references(response) == [queue_cases["new"].reference]


def test_the_overdue_alerts_old_link_opens_the_overdue_queue(staff):
    response = staff("supervisor").get(LIST, {"overdue": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?queue=overdue"


def test_district_and_priority_filters(staff):
    hitchin = make_case(postcode="SG5 1AA", priority=Case.Priority.HIGH)
    watford = make_case(postcode="WD17 1AA")
    client = staff("supervisor")
    by_district = client.get(LIST, {"district__id__exact": watford.district_id})
    by_priority = client.get(LIST, {"priority__exact": Case.Priority.HIGH})
    assert references(by_district) == [watford.reference]
    assert references(by_priority) == [hitchin.reference]


@pytest.fixture
def submitted_report(evidence_root):
    citizen = Client()
    complete_journey(
        citizen,
        {
            "your-details": {
                "full_name": "Morgan Okonkwo",
                "email": "morgan@example.com",
                "phone": "",
            },
            "where": {"place": "Market Place", "postcode": "AL1 3JX"},
            "what-happened": {"description": "Someone took my green tandem."},
        },
    )
    citizen.post("/report/check/", {"confirm": "on"})
    return Case.objects.get()


@pytest.mark.parametrize(
    "typed",
    [
        "okonkwo",
        "Morgan Okonkwo",
        "MORGAN@example.com",
        "AL1 3JX",
        "al1",
        "green tandem",
    ],
)
def test_search_by_name_email_postcode_or_words(staff, submitted_report, typed):
    make_case(email="other@example.com", postcode="WD17 1AA")
    response = staff("agent").get(LIST, {"q": typed})
    assert references(response) == [submitted_report.reference]


def test_search_by_reference_however_it_is_typed(staff):
    case = make_case()
    make_case()
    typed = case.reference.replace("-", " ").lower()
    response = staff("agent").get(LIST, {"q": typed})
    assert references(response) == [case.reference]


def test_search_finds_nothing_for_words_nobody_wrote(staff, submitted_report):
    response = staff("agent").get(LIST, {"q": "zeppelin"})
    assert references(response) == []


def test_counting_is_exact_off_postgresql():
    for _ in range(3):
        make_case()
    paginator = EstimatedCountPaginator(Case.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert not paginator.is_estimate
    assert len(paginator.page(2).object_list) == 1


@pytest.mark.parametrize("skip_by_id_from", [0, 2, 1_000])
def test_pages_hold_every_case_once_in_order(monkeypatch, skip_by_id_from):
    """Near the top a page is one query; further down it is read by id first.
    Either way the pages follow the list's order, every case on one page."""
    from casework.admin import paging

    monkeypatch.setattr(paging, "SKIP_BY_ID_FROM", skip_by_id_from)
    now = timezone.now()
    for minutes in [5, 1, 9, 3, 7]:
        make_case(received_at=now - timedelta(minutes=minutes))
    ordered = Case.objects.order_by("received_at", "pk")
    paginator = EstimatedCountPaginator(ordered, 2)
    paginator.row_fields = ("reference", "received_at")

    pages = [paginator.page(number).object_list for number in [1, 2, 3]]

    assert [case.reference for page in pages for case in page] == [
        case.reference for case in ordered
    ]
    assert [len(page) for page in pages] == [2, 2, 1]


def test_the_list_does_not_count_every_case_twice(staff, django_assert_max_num_queries):
    for _ in range(3):
        make_case()
    client = staff("supervisor")
    client.get(LIST)  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.context["cl"].full_result_count is None


def test_a_page_of_assigned_cases_costs_no_more_queries(
    staff, django_user_model, monkeypatch
):
    """Every column of a row comes with the page: none is fetched row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.admin.cases import CaseAdmin
    from tests.casework.staff import make_staff

    monkeypatch.setattr(CaseAdmin, "list_per_page", 10)
    client = staff("supervisor")
    cases = [make_case() for _ in range(12)]
    client.get(LIST)
    with CaptureQueriesContext(connection) as nobody_assigned:
        client.get(LIST)
    agent = make_staff(django_user_model, "agent", "robin")
    for case in cases:
        workflow.take_case(case_id=case.pk, by=agent, now=timezone.now())
    with CaptureQueriesContext(connection) as all_assigned:
        html = client.get(LIST).content.decode()

    assert html.count('class="action-select"') == 10
    assert html.count("Agent Tester") == 10
    assert len(all_assigned) == len(nobody_assigned)


def test_a_member_of_a_team_sees_their_team_queue(staff):
    client = staff("investigator")
    ours = make_case()  # the factory's team: Crime Management Unit
    theirs = make_case()
    Case.objects.filter(pk=theirs.pk).update(
        team=Team.objects.get(name="Hate Crime Unit")
    )
    assert (
        StaffMember.objects.get(user=client.user).team.name == "Crime Management Unit"
    )
    response = client.get(LIST, {"queue": "team"})
    assert references(response) == [ours.reference]
