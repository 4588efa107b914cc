"""The pages of the report journey, in order, and which apply to whom.

Navigation is worked out from the answers alone, never from "the page the
person was on", so the back button, a refresh or a second tab cannot put a
draft into a state the journey does not expect.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports import forms
from reports.evidence import FilesForm
from reports.kinds import kind_of


def answer(answers: dict, slug: str, field: str):
    return (answers.get(slug) or {}).get(field)


def always(answers: dict) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[forms.StepForm]
    section: str
    applies: Callable[[dict], bool] = always
    # A page that collects a list ("add another"); its answer is {"items": [...]}.
    collection: bool = False
    # The file upload page. Its answer, {"files": [{"id", "name"}, ...]}, is
    # kept in step with the draft's attachments by the services.
    uploads: bool = False

    @property
    def title(self) -> str:
        return str(self.form.title)

    def is_answered(self, answers: dict) -> bool:
        if self.slug not in answers:
            return False
        if self.collection:
            return bool(answers[self.slug].get("items"))
        return True


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

BY_SLUG = {step.slug: step for step in STEPS}


def applicable_steps(answers: dict) -> list[Step]:
    return [step for step in STEPS if step.applies(answers)]


def first_unanswered(answers: dict) -> Step | None:
    for step in applicable_steps(answers):
        if not step.is_answered(answers):
            return step
    return None


def step_after(answers: dict, slug: str) -> Step | None:
    steps = applicable_steps(answers)
    slugs = [step.slug for step in steps]
    if slug not in slugs:
        return first_unanswered(answers)
    index = slugs.index(slug)
    return steps[index + 1] if index + 1 < len(steps) else None


def step_before(answers: dict, slug: str) -> Step | None:
    steps = applicable_steps(answers)
    slugs = [step.slug for step in steps]
    if slug not in slugs or slugs.index(slug) == 0:
        return None
    return steps[slugs.index(slug) - 1]


def is_reachable(answers: dict, slug: str) -> bool:
    """A page can be shown once every applicable page before it is answered."""
    for step in applicable_steps(answers):
        if step.slug == slug:
            return True
        if not step.is_answered(answers):
            return False
    return False


def submitted_answers(answers: dict) -> dict:
    """Only the answers to pages that apply: a changed mind leaves no trace."""
    return {
        step.slug: answers[step.slug]
        for step in applicable_steps(answers)
        if step.slug in answers
    }


def summary(answers: dict) -> list[dict]:
    """Sections of rows for "Check your answers", the printable copy and staff."""
    sections: dict[str, dict] = {}
    for step in applicable_steps(answers):
        if step.slug not in answers:
            continue
        section = sections.setdefault(
            str(step.section), {"title": str(step.section), "rows": []}
        )
        if step.collection:
            items = answers[step.slug].get("items", [])
            for number, item in enumerate(items, start=1):
                shown = "\n".join(
                    f"{label}: {value}" for label, value in step.form.describe(item)
                )
                section["rows"].append(
                    {
                        "slug": step.slug,
                        "question": f"{step.title} ({number})",
                        "answer": shown,
                    }
                )
            continue
        for question, shown in step.form.describe(answers[step.slug]):
            section["rows"].append(
                {"slug": step.slug, "question": question, "answer": shown}
            )
    return list(sections.values())
