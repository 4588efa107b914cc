"""The pages of the report journey, in order, and which apply to whom.

The machinery (navigation from the answers alone, summaries) is shared by
every journey: hertsreport.journeys.
"""

from django.utils.translation import gettext_lazy as _

from hertsreport.journey_files import FilesForm
from hertsreport.journeys import Journey, Step, answer
from reports import forms
from reports.kinds import kind_of


def _role(answers):
    return answer(answers, "role", "role")


def _asks_vehicle(answers) -> bool:
    kind = kind_of(answers)
    return bool(kind and kind.asks_vehicle)


ABOUT = _("What happened")
PEOPLE = _("About you")
DETAILS = _("People, vehicles and things")

STEPS = [
    Step("kind", forms.KindForm, ABOUT),
    Step("when", forms.WhenForm, ABOUT),
    Step(
        "when-date",
        forms.WhenDateForm,
        ABOUT,
        lambda a: answer(a, "when", "when") == "on",
    ),
    Step(
        "when-between",
        forms.WhenBetweenForm,
        ABOUT,
        lambda a: answer(a, "when", "when") == "between",
    ),
    Step("where", forms.WhereForm, ABOUT),
    Step("what-happened", forms.WhatHappenedForm, ABOUT),
    Step("role", forms.ReporterRoleForm, PEOPLE),
    Step(
        "victim",
        forms.VictimForm,
        PEOPLE,
        lambda a: _role(a) in {"someone_else", "business"},
    ),
    Step("your-details", forms.YourDetailsForm, PEOPLE),
    Step("contact", forms.ContactForm, PEOPLE),
    Step("repeat", forms.RepeatForm, PEOPLE, lambda a: _role(a) != "witness"),
    Step(
        "vulnerability",
        forms.VulnerabilityForm,
        PEOPLE,
        lambda a: _role(a) != "business",
    ),
    Step("help", forms.HelpForm, PEOPLE),
    Step("suspect-known", forms.KnowsSuspectForm, DETAILS),
    Step(
        "suspects",
        forms.SuspectForm,
        DETAILS,
        lambda a: answer(a, "suspect-known", "knows_suspect") == "yes",
        collection=True,
    ),
    Step(
        "vehicles-involved",
        forms.VehiclesForm,
        DETAILS,
        lambda a: not _asks_vehicle(a),
    ),
    Step(
        "vehicles",
        forms.VehicleForm,
        DETAILS,
        lambda a: (
            _asks_vehicle(a)
            or answer(a, "vehicles-involved", "vehicles_involved") == "yes"
        ),
        collection=True,
    ),
    Step(
        "items",
        forms.ItemForm,
        DETAILS,
        lambda a: bool(kind_of(a) and kind_of(a).asks_items),
        collection=True,
    ),
    Step("witness-known", forms.KnowsWitnessForm, DETAILS),
    Step(
        "witnesses",
        forms.WitnessForm,
        DETAILS,
        lambda a: answer(a, "witness-known", "witnesses") == "yes",
        collection=True,
    ),
    Step("evidence", forms.EvidenceForm, DETAILS),
    Step("files", FilesForm, DETAILS, uploads=True),
]

JOURNEY = Journey(STEPS)
BY_SLUG = JOURNEY.by_slug
applicable_steps = JOURNEY.applicable_steps
first_unanswered = JOURNEY.first_unanswered
step_after = JOURNEY.step_after
step_before = JOURNEY.step_before
last_step = JOURNEY.last_step
is_reachable = JOURNEY.is_reachable
submitted_answers = JOURNEY.submitted_answers
summary = JOURNEY.summary

__all__ = ["STEPS", "Step", "answer", "JOURNEY"]
