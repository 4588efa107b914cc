"""The rows of the case list, drawn directly.

Django's generic row rendering looks every cell up through several layers
per field; for a hundred rows that costs more than the database does. The
columns here are fixed, so each row is one format_html per cell, in the same
markup (checkbox, link, field-* classes) Django's change_list_results.html
expects, with the same headers (sorting included).
"""

from django.contrib.admin.templatetags.admin_list import (
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from casework.admin.queues import time_left
from casework.models import Case


def _td(name: str, value) -> str:
    return format_html('<td class="field-{}">{}</td>', name, value)


def case_rows(case_admin, changelist) -> dict:
    headers = list(result_headers(changelist))
    now = timezone.now()
    select = _("Select this object for an action - %(object)s")
    link = reverse(f"{case_admin.admin_site.name}:casework_case_change", args=["0"])
    # get_FOO_display() builds a dict of the choices on every call.
    priorities = {value: str(label) for value, label in Case.Priority.choices}
    statuses = {value: str(label) for value, label in Case.Status.choices}
    rows = []
    for case in changelist.result_list:
        assignee = case.assigned_to
        cells = {
            "action_checkbox": format_html(
                '<td class="action-checkbox"><input type="checkbox" '
                'name="_selected_action" value="{}" class="action-select" '
                'aria-label="{}"></td>',
                case.pk,
                select % {"object": case.reference},
            ),
            "reference": format_html(
                '<th class="field-reference"><a href="{}">{}</a></th>',
                link.replace("/0/", f"/{quote(case.pk)}/"),
                case.reference,
            ),
            "received": _td(
                "received",
                timezone.localtime(case.received_at).strftime("%d %b %Y %H:%M"),
            ),
            "kind_label": _td("kind_label", case.kind_label),
            "district": _td("district", case.district or "—"),
            "priority_label": _td("priority_label", priorities[case.priority]),
            "status": _td("status", statuses[case.status]),
            "time_left": _td("time_left", time_left(case, now)),
            "assigned": _td(
                "assigned",
                (assignee.get_full_name() or assignee.get_username())
                if assignee
                else "—",
            ),
        }
        rows.append([cells[name] for name in changelist.list_display])
    return {
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }
