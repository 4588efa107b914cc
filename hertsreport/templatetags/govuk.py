"""Template helpers for GOV.UK components that crispy-forms-gds leaves to us."""

from datetime import datetime, time

from django import forms, template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


def _anchor(bound_field, subfield_index: int | None = None) -> str:
    """The id of the element an error summary link should move focus to."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # crispy-forms-gds numbers choices from 1: the first one takes focus.
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_{subfield_index or 0}"
    return bound_field.auto_id


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_with_errors):
    """A GOV.UK error summary whose links land on the field with the error."""
    items = []
    for form in forms_with_errors:
        if form is None or not form.errors:
            continue
        first = next(iter(form), None)
        for error in form.non_field_errors():
            items.append((_anchor(first) if first else "", error))
        for bound_field in form:
            seen = []
            for index, subfield in enumerate(getattr(bound_field.field, "fields", [])):
                for error in getattr(subfield.widget, "errors", []):
                    items.append((_anchor(bound_field, index), error))
                    seen.append(error)
            for error in bound_field.errors:
                if error not in seen:
                    items.append((_anchor(bound_field), error))
    return {"items": items}


@register.filter
def clock_time(value: time) -> str:
    """A time as GOV.UK style writes it: 9am, 5:30pm, midday, midnight.

    Django's "a" format gives "a.m." and "p.m.", which GOV.UK style does not
    use. Chat opening hours use it too.
    """
    if value.hour == 0 and value.minute == 0:
        return _("midnight")
    if value.hour == 12 and value.minute == 0:
        return _("midday")
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


@register.filter
def date_and_time(value: datetime | None) -> str:
    """A moment in Europe/London as people say it: "3 March 2026 at 2:05pm"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(local, "j F Y"),
        "time": clock_time(local.time()),
    }
