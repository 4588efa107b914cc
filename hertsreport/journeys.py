"""One question per page: the machinery every public journey shares.

A journey is an ordered list of pages (steps), each with a form and a rule
for when it applies. Navigation is worked out from the answers alone, never
from "the page the person was on", so the back button, a refresh or a
second tab cannot put a draft into a state the journey does not expect.
Answers are kept as JSON: {step slug: {field: value}}.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f


def answer(answers: dict, slug: str, field: str):
    return (answers.get(slug) or {}).get(field)


def always(answers: dict) -> bool:
    return True


def choices_then_elsewhere(ours, elsewhere) -> list[Choice]:
    """Radio choices (slug, label, hint) for what we handle, an "or" divider,
    then the ones that belong to another service."""
    choices = [Choice(c.slug, c.label, hint=c.hint) for c in ours]
    last = ours[-1]
    choices[-1] = Choice(last.slug, last.label, hint=last.hint, divider=_("or"))
    return choices + [Choice(c.slug, c.label, hint=c.hint) for c in elsewhere]


class StepForm(forms.Form):
    title = ""
    # The one field whose label is the page's heading; None for a page with
    # several questions under `title`.
    heading_field: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(*[self.layout_for(name) for name in self.fields])

    def layout_for(self, name: str):
        field = self.fields[name]
        is_heading = name == self.heading_field
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            return Field.radios(
                name,
                legend_size=Size.LARGE if is_heading else Size.SMALL,
                legend_tag="h1" if is_heading else None,
            )
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return Field.checkboxes(
                name,
                legend_size=Size.LARGE if is_heading else Size.SMALL,
                legend_tag="h1" if is_heading else None,
            )
        if isinstance(field, f.PastDate):
            return Field(
                name,
                context={
                    "legend_size": Size.for_legend(
                        Size.LARGE if is_heading else Size.SMALL
                    ),
                    "legend_tag": "h1" if is_heading else None,
                },
            )
        size = Size.LARGE if is_heading else Size.SMALL
        tag = "h1" if is_heading else None
        if isinstance(widget, forms.Textarea):
            rows = widget.attrs.get("rows", 8)
            return Field.textarea(name, label_size=size, label_tag=tag, rows=rows)
        return Field.text(
            name,
            label_size=size,
            label_tag=tag,
            field_width=self.WIDTHS.get(type(field)),
        )

    # Short answers get short boxes, so people can see what is expected.
    WIDTHS = {
        f.TimeOfDay: Fixed.FIVE,
        f.Postcode: Fixed.TEN,
        f.Money: Fixed.TEN,
        f.Phone: Fixed.TWENTY,
    }

    # --- answers in the draft -------------------------------------------

    def to_answer(self) -> dict:
        answer = {}
        for name, value in self.cleaned_data.items():
            answer[name] = value.isoformat() if isinstance(value, date) else value
        return answer

    @classmethod
    def initial_from(cls, answer: dict | None) -> dict:
        initial = dict(answer or {})
        for name, field in cls.base_fields.items():
            if isinstance(field, f.PastDate) and initial.get(name):
                initial[name] = date.fromisoformat(initial[name])
        return initial

    @classmethod
    def describe(cls, answer: dict) -> list[tuple[str, str]]:
        """(question, answer as shown) pairs, leaving out what was not given."""
        rows = []
        for name, field in cls.base_fields.items():
            value = answer.get(name)
            if value in (None, "", []):
                continue
            if isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                shown = ", ".join(str(labels.get(v, v)) for v in value)
            elif isinstance(field, forms.ChoiceField):
                shown = str(dict(field.choices).get(value, value))
            elif isinstance(field, f.PastDate):
                shown = date.fromisoformat(value).strftime("%-d %B %Y")
            elif isinstance(field, f.Money):
                shown = f"£{value}"
            else:
                shown = str(value)
            label = cls.title if name == cls.heading_field else field.label
            label = str(label).removesuffix(" (optional)")
            rows.append((str(label), shown))
        return rows


@dataclass(frozen=True)
class Step:
    slug: str
    form: type["StepForm"]
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


class Journey:
    """The pages of one journey, in order, and the navigation between them."""

    def __init__(self, steps: list[Step]):
        self.steps = steps
        self.by_slug = {step.slug: step for step in steps}

    def applicable_steps(self, answers: dict) -> list[Step]:
        return [step for step in self.steps if step.applies(answers)]

    def first_unanswered(self, answers: dict) -> Step | None:
        for step in self.applicable_steps(answers):
            if not step.is_answered(answers):
                return step
        return None

    def step_after(self, answers: dict, slug: str) -> Step | None:
        steps = self.applicable_steps(answers)
        slugs = [step.slug for step in steps]
        if slug not in slugs:
            return self.first_unanswered(answers)
        index = slugs.index(slug)
        return steps[index + 1] if index + 1 < len(steps) else None

    def step_before(self, answers: dict, slug: str) -> Step | None:
        steps = self.applicable_steps(answers)
        slugs = [step.slug for step in steps]
        if slug not in slugs or slugs.index(slug) == 0:
            return None
        return steps[slugs.index(slug) - 1]

    def last_step(self, answers: dict) -> Step | None:
        """The last page that applies: where "Back" on check-your-answers goes."""
        steps = self.applicable_steps(answers)
        return steps[-1] if steps else None

    def is_reachable(self, answers: dict, slug: str) -> bool:
        """A page can be shown once every applicable page before it is answered."""
        for step in self.applicable_steps(answers):
            if step.slug == slug:
                return True
            if not step.is_answered(answers):
                return False
        return False

    def submitted_answers(self, answers: dict) -> dict:
        """Only the answers to pages that apply: a changed mind leaves no trace."""
        return {
            step.slug: answers[step.slug]
            for step in self.applicable_steps(answers)
            if step.slug in answers
        }

    def summary(self, answers: dict) -> list[dict]:
        """Sections of rows for "Check your answers", the printable copy and staff."""
        sections: dict[str, dict] = {}
        for step in self.applicable_steps(answers):
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
