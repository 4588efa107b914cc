"""The rows of the case list, drawn directly.

Django's generic row rendering looks every cell up through several layers
per field, and its template outputs each cell as a value of its own; for a
hundred rows that costs more than the database does. The columns here are
fixed, so the rows are built as one string, each cell escaped, in the same
markup (checkbox, link, field-* classes) as Django's change_list_results.html,
with the same headers (sorting included): case_results.html outputs it.
"""

import html

from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from casework.admin.queues import time_left
from casework.models import Case


def _text(value) -> str:
    """Escaped, unless already safe markup (the overdue warning): what
    conditional_escape does, without its lazy-string wrapper on every call."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _cell(name: str, value) -> str:
    return f'<td class="field-{name}">{_text(value)}</td>'


def case_rows(case_admin, changelist) -> dict:
    headers = list(result_headers(changelist))
    now = timezone.now()
    select = _("Select this object for an action - %(object)s")
    link = reverse(f"{case_admin.admin_site.name}:casework_case_change", args=["0"])
    # get_FOO_display() builds a dict of the choices on every call.
    priorities = {value: str(label) for value, label in Case.Priority.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    nobody = "—"
    rows = []
    # One string per row, escaped cell by cell (conditional_escape leaves the
    # time-left markup, which is already safe), and one string for the body:
    # the template then outputs one value instead of a thousand.
    for case in changelist.result_list:
        assignee = case.assigned_to
        reference = _text(case.reference)
        cells = {
            "action_checkbox": (
                '<td class="action-checkbox"><input type="checkbox" '
                f'name="_selected_action" value="{case.pk}" class="action-select" '
                f'aria-label="{_text(select % {"object": case.reference})}"></td>'
            ),
            "reference": (
                f'<th class="field-reference"><a href="'
                f'{_text(link.replace("/0/", f"/{quote(case.pk)}/"))}">'
                f"{reference}</a></th>"
            ),
            "received": _cell(
                "received",
                timezone.localtime(case.received_at).strftime("%d %b %Y %H:%M"),
            ),
            "kind_label": _cell("kind_label", case.kind_label),
            "district": _cell("district", case.district or nobody),
            "priority_label": _cell("priority_label", priorities[case.priority]),
            "status": _cell("status", statuses[case.status]),
            "time_left": _cell("time_left", time_left(case, now)),
            "assigned": _cell(
                "assigned",
                (assignee.get_full_name() or assignee.get_username())
                if assignee
                else nobody,
            ),
        }
        rows.append(
            "<tr>" + "".join(cells[name] for name in changelist.list_display) + "</tr>"
        )
    return {
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "body": mark_safe("\n".join(rows)),  # noqa: S308 (every value escaped above)
    }
