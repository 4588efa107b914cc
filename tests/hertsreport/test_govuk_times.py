"""Times on public pages read as GOV.UK style writes them."""

from datetime import UTC, datetime, time

import pytest

from hertsreport.templatetags.govuk import clock_time, date_and_time


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (time(9, 0), "9am"),
        (time(17, 30), "5:30pm"),
        (time(0, 5), "12:05am"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
    ],
)
def test_clock_time_has_no_dots_or_needless_minutes(value, shown):
    assert clock_time(value) == shown


def test_date_and_time_is_in_london_time(settings):
    settings.TIME_ZONE = "Europe/London"
    # 13:05 UTC in July is 2:05pm British Summer Time.
    assert date_and_time(datetime(2026, 7, 3, 13, 5, tzinfo=UTC)) == (
        "3 July 2026 at 2:05pm"
    )
