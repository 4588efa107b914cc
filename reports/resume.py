from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from hertsreport import fields as f


class ResumeEmailForm(forms.Form):
    email = f.Email(
        name=_("your email address"),
        label=_("Email address"),
        required_message=_("Enter your email address"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = f.form_helper(Field.text("email", label_size=Size.SMALL))
