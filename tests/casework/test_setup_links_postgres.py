"""Set-up links when two requests for one account arrive at the same moment,
each in its own thread and database connection, held at the point where
they would race: row locks decide, so these need PostgreSQL (on SQLite the
database lets one writer in at a time, and select_for_update does nothing)."""

import contextlib
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import authenticators, setup_links
from casework.audit import AuditEntry
from casework.setup_links import SetupLink
from tests.casework.staff import make_staff

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL "
        "(set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

# Long enough for the other thread to reach the same point, or to show it
# is held back by a lock; short enough not to slow the run much.
WAIT_SECONDS = 2


@pytest.fixture
def newcomer(django_user_model):
    # A role in no team: these tests empty the tables, teams included.
    return make_staff(django_user_model, "editor", "newcomer")


def at_once(*calls) -> list:
    """Run each call in its own thread and connection; what each returned,
    or the exception it raised."""
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def meet_or_go_on(barrier: threading.Barrier) -> None:
    """Wait for the other thread here; if it is held up elsewhere (by a
    lock), go on alone after a while."""
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=WAIT_SECONDS)


def test_two_links_made_at_once_for_one_account_leave_one_that_works(
    newcomer, monkeypatch
):
    """A double click on "Create a set-up link": each request ends the
    links before it, then makes its own. Held between the two, neither
    would see the other's new link, and both would stay live."""
    barrier = threading.Barrier(2)
    real_hash_token = setup_links.hash_token

    def hash_token_when_both_have_ended_earlier_links(token):
        meet_or_go_on(barrier)
        return real_hash_token(token)

    monkeypatch.setattr(
        setup_links, "hash_token", hash_token_when_both_have_ended_earlier_links
    )

    def reset():
        return authenticators.reset_from_command_line(user=newcomer, now=timezone.now())

    first, second = at_once(reset, reset)

    assert isinstance(first, setup_links.IssuedLink), first
    assert isinstance(second, setup_links.IssuedLink), second
    assert SetupLink.objects.filter(user=newcomer).count() == 2
    live = SetupLink.objects.filter(user=newcomer, ended_at__isnull=True)
    assert live.count() == 1
    assert live.get().ended_because == ""
    ended = SetupLink.objects.get(user=newcomer, ended_at__isnull=False)
    assert ended.ended_because == SetupLink.Ended.REPLACED


def backends_waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until_a_backend_waits_for_a_lock() -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if backends_waiting_for_a_lock():
            return True
        time.sleep(0.02)
    return False


def test_a_reset_while_a_code_is_being_confirmed_waits_its_turn(newcomer, monkeypatch):
    """Both lock the account, its link and its devices, in that order: the
    reset waits for the confirmation, and neither fails with a deadlock."""
    token = authenticators.reset_from_command_line(
        user=newcomer, now=timezone.now()
    ).token
    link = setup_links.open_link(token=token, by=newcomer, now=timezone.now())
    session = {setup_links.OPENED: link.pk}
    setup_links.take(user=newcomer, session=session, now=timezone.now())
    device = authenticators.device_to_enrol(newcomer, session)

    confirming = threading.Event()
    reset_waited = []

    def verify_while_the_reset_starts(self, token):
        confirming.set()
        reset_waited.append(wait_until_a_backend_waits_for_a_lock())
        return True

    monkeypatch.setattr(TOTPDevice, "verify_token", verify_while_the_reset_starts)

    def confirm():
        return authenticators.confirm_enrolment(
            user=newcomer, session=session, token="123456", now=timezone.now()
        )

    def reset_once_confirming():
        assert confirming.wait(timeout=WAIT_SECONDS * 5)
        return authenticators.reset_from_command_line(user=newcomer, now=timezone.now())

    check, issued = at_once(confirm, reset_once_confirming)

    assert isinstance(check, authenticators.CodeCheck), check
    assert check.confirmed
    assert isinstance(issued, setup_links.IssuedLink), issued
    assert reset_waited == [True]
    # The reset came second: the app just set up is gone, a new link is live.
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert SetupLink.objects.get(pk=link.pk).ended_because == SetupLink.Ended.SET_UP
    assert SetupLink.objects.filter(user=newcomer, ended_at__isnull=True).count() == 1


class SessionThatWaits(dict):
    """A session that, once take() has read the link it took (none) and the
    link it opened, waits for the other session to get as far."""

    def __init__(self, barrier: threading.Barrier, **items):
        super().__init__(**items)
        self.barrier = barrier

    def pop(self, key, *default):
        value = super().pop(key, *default)
        if key == setup_links.OPENED:
            meet_or_go_on(self.barrier)
        return value


def test_a_link_opened_in_two_browsers_signed_in_at_once_is_taken_by_one(newcomer):
    token = authenticators.reset_from_command_line(
        user=newcomer, now=timezone.now()
    ).token
    link = setup_links.open_link(token=token, by=newcomer, now=timezone.now())
    barrier = threading.Barrier(2)
    sessions = [
        SessionThatWaits(barrier, **{setup_links.OPENED: link.pk}) for _ in range(2)
    ]

    def take_in(session):
        return lambda: setup_links.take(
            user=newcomer, session=session, now=timezone.now()
        )

    outcomes = at_once(*(take_in(session) for session in sessions))

    assert barrier.n_waiting == 0 and not barrier.broken  # both got this far
    won = [outcome for outcome in outcomes if isinstance(outcome, SetupLink)]
    lost = [o for o in outcomes if isinstance(o, setup_links.LinkRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].refusal == setup_links.Refusal.USED
    winner = sessions[outcomes.index(won[0])]
    loser = sessions[outcomes.index(lost[0])]
    assert winner[setup_links.TAKEN] == link.pk
    assert setup_links.TAKEN not in loser
    assert SetupLink.objects.get(pk=link.pk).used_at is not None
    entries = AuditEntry.objects.filter(object_reference="newcomer")
    assert entries.filter(detail="Signed in with a set-up link").count() == 1
    assert entries.filter(detail__contains="the link was used already").count() == 1
