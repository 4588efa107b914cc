"""Form fields that speak GOV.UK: clear messages for every way input goes wrong."""

import re
from datetime import date
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.services import outward_code_of

# C0 control characters and DEL, except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """Text as typed, less control characters nobody means to type (a paste
    can carry them; PostgreSQL refuses the NUL character outright)."""
    return _CONTROL.sub("", text)


# The answers to a yes-or-no question, for radios.
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class Text(forms.CharField):
    """A text answer. `name` is how error messages refer to it ("your name")."""

    def __init__(self, *, name: str, required_message: str = "", **kwargs):
        self.name_in_messages = name
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", bool(required_message))
        super().__init__(**kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["max_length"] = _(
            "%(name)s must be %(limit)s characters or fewer"
        ) % {"name": name[:1].upper() + name[1:], "limit": f"{self.max_length:,}"}
        # Django's own null-character check has a message nobody understands.
        self.validators = [v for v in self.validators if not _is_null_validator(v)]

    def to_python(self, value):
        value = super().to_python(value)
        if value and _CONTROL.search(value):
            raise ValidationError(
                _("%(name)s must not contain special control characters")
                % {
                    "name": self.name_in_messages[:1].upper()
                    + self.name_in_messages[1:]
                },
                code="control_characters",
            )
        return value


def _is_null_validator(validator) -> bool:
    return type(validator).__name__ == "ProhibitNullCharactersValidator"


class LongText(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        super().__init__(**kwargs)


class Postcode(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "postal-code", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        if not outward_code_of(value) or len(re.sub(r"\s", "", value)) < 5:
            raise ValidationError(
                _("Enter a full UK postcode, like AL1 3TF"), code="invalid"
            )
        compact = re.sub(r"\s", "", value).upper()
        return f"{compact[:-3]} {compact[-3:]}"


class Email(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput())
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                raise ValidationError(
                    _(
                        "Enter an email address in the correct format, like "
                        "name@example.com"
                    ),
                    code="invalid",
                ) from None
        return value


class Phone(Text):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel"}))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if value:
            digits = re.sub(r"[\s\-()]", "", value)
            if not re.fullmatch(r"\+?\d{10,15}", digits):
                raise ValidationError(
                    _("Enter a telephone number, like 01632 960 001 or 07700 900 982"),
                    code="invalid",
                )
        return value


class Choice(forms.ChoiceField):
    def __init__(self, *, required_message: str, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["invalid_choice"] = required_message


class Choices(forms.MultipleChoiceField):
    def __init__(self, *, required_message: str = "", **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", bool(required_message))
        super().__init__(**kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["invalid_choice"] = _("Select from the options shown")


class PastDate(DateInputField):
    """A date in the past or today, entered as day, month and year."""

    def __init__(self, *, name: str, required: bool = True, **kwargs):
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.name_in_messages = name
        self.error_messages["required"] = _("Enter %(name)s") % {"name": name}
        day, month, year = self.fields
        day.error_messages["incomplete"] = _("%(name)s must include a day") % {
            "name": _cap(name)
        }
        month.error_messages["incomplete"] = _("%(name)s must include a month") % {
            "name": _cap(name)
        }
        year.error_messages["incomplete"] = _("%(name)s must include a year") % {
            "name": _cap(name)
        }
        for part in self.fields:
            part.validators = []
            part.max_length = 4

    def compress(self, data_list):
        day, month, year = (str(v or "").strip() for v in data_list)
        if not (day and month and year):
            return None
        real = _cap(self.name_in_messages) + _(" must be a real date")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(real, code="invalid")
        if len(year) != 4:
            raise ValidationError(_("Year must include 4 numbers"), code="invalid_year")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(real, code="invalid") from None
        if value > timezone.localdate():
            raise ValidationError(
                _cap(self.name_in_messages) + _(" must be today or in the past"),
                code="future",
            )
        if value.year < 1900:
            raise ValidationError(
                _cap(self.name_in_messages) + _(" must be after 1900"), code="too_old"
            )
        return value


def _cap(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


class TimeOfDay(Text):
    """A time like 14:30, 2:30pm or 2pm. Stored as HH:MM."""

    _FORMATS = [
        re.compile(r"^(\d{1,2})[:.](\d{2})$"),
        re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)$"),
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        text = value.strip().lower().replace(" ", "")
        for pattern in self._FORMATS:
            match = pattern.match(text)
            if not match:
                continue
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            suffix = match.group(3) if pattern.groups == 3 else None
            if suffix:
                if not 1 <= hour <= 12:
                    break
                hour = hour % 12 + (12 if suffix == "pm" else 0)
            if hour <= 23 and minute <= 59:
                return f"{hour:02d}:{minute:02d}"
            break
        raise ValidationError(_("Enter the time like 14:30 or 2:30pm"), code="invalid")


class Money(Text):
    """An amount in pounds, like 250 or 12.99, stored as "250.00"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        text = value.strip().replace(",", "").lstrip("£").strip()
        if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text):
            raise ValidationError(
                _("Enter the value in pounds, like 250 or 12.99"), code="invalid"
            )
        return f"{Decimal(text):.2f}"


def form_helper(*layout) -> FormHelper:
    """A crispy-forms-gds helper for a form whose <form> tag is in the template.

    The template writes the CSRF token with the <form> tag, so crispy must not
    write a second one.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper
