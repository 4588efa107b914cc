"""Two members of staff take one case at the same moment: one wins, the
other is told who has it (row locks on PostgreSQL)."""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection

from casework import workflow
from tests.casework.factories import make_case
from tests.casework.staff import make_staff, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_staff_taking_one_case_at_once_one_wins(django_user_model, monkeypatch):
    assert connection.vendor == "postgresql"
    case = make_case()
    clients = {
        name: signed_in(make_staff(django_user_model, "agent", name))
        for name in ["first", "second"]
    }
    # The first to lock the row holds it a moment, so the second really waits.
    real_assign = workflow._assign

    def slow_assign(*args, **kwargs):
        time.sleep(0.5)
        return real_assign(*args, **kwargs)

    monkeypatch.setattr(workflow, "_assign", slow_assign)
    start = threading.Barrier(2)
    said = {}

    def take(name):
        start.wait()
        response = clients[name].post(f"/admin/casework/case/{case.pk}/take/")
        said[name] = [str(m) for m in get_messages(response.wsgi_request)]
        connection.close()

    threads = [threading.Thread(target=take, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    case.refresh_from_db()
    winner = case.assigned_to.username
    loser = "second" if winner == "first" else "first"
    assert said[winner] == [f"{case.reference} is yours."]
    assert said[loser] == [f"{case.reference} was taken by Agent Tester a moment ago."]
    assert case.events.filter(kind="assigned").count() == 1
