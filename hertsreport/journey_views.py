"""What the views of every one-question-per-page journey do the same way."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hertsreport.journeys import Step, StepForm


@dataclass
class CollectionOutcome:
    """What a POST to an "add another" page decided.

    `then` is "again" (an item was added or removed: show the page afresh),
    "errors" (show `form` with its errors), "next" (carry on) or "save"
    (save for later).
    """

    then: str
    form: StepForm


def post_collection(
    request,
    *,
    page: Step,
    items: list,
    max_items: int,
    add: Callable[[dict], object],
    remove: Callable[[int], object],
) -> CollectionOutcome:
    """Handle a POST to a page that collects a list of people, vehicles, items.

    `add(item)` and `remove(index)` are the journey's own services.
    """
    action = request.POST.get("action", "continue")
    if action.startswith("remove-"):
        index = action.removeprefix("remove-")
        if index.isdigit():
            remove(int(index))
        return CollectionOutcome("again", page.form())
    form = page.form(request.POST)
    filled = any(request.POST.get(name, "").strip() for name in form.fields)
    if filled:
        if not form.is_valid():
            return CollectionOutcome("errors", form)
        if len(items) >= max_items:
            form.add_error(
                None,
                _("You can add up to %(count)s. Tell us about any others in the text.")
                % {"count": max_items},
            )
            return CollectionOutcome("errors", form)
        add(form.to_answer())
        return CollectionOutcome(
            {"add": "again", "save": "save"}.get(action, "next"), form
        )
    if items:
        return CollectionOutcome("save" if action == "save" else "next", form)
    form.is_valid()
    form.errors.clear()
    form.add_error(
        next(iter(form.fields)),
        _("Add at least one %(noun)s, or go back and change your answer")
        % {"noun": page.form.item_noun},
    )
    return CollectionOutcome("errors", form)


def item_rows(page: Step, items: list) -> list:
    return [page.form.describe(item) for item in items]
