"""Whatever anyone posts to any page of the journey: never a 5xx, nothing lost."""

import html

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import journey
from tests.reports.journey_data import complete_journey

pytestmark = pytest.mark.django_db

# Text as people (and robots) send it: any unicode, control characters,
# markup, very long strings.
anything = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "\u202e"]),
    st.builds(lambda n: "x" * n, st.integers(min_value=5001, max_value=6000)),
)


def typed_fields(form_class) -> list[str]:
    """Names of the fields where a person types, whose text must come back."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field.widget, forms.TextInput | forms.Textarea | forms.EmailInput)
    ]


def post_keys(form_class) -> list[str]:
    keys = []
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.MultiValueField):
            keys += [f"{name}_{index}" for index in range(len(field.fields))]
        else:
            keys.append(name)
    return keys


@pytest.fixture
def client_at_check(client):
    complete_journey(client)
    return client


@pytest.mark.parametrize("step", journey.STEPS, ids=lambda step: step.slug)
def test_random_answers_never_break_a_page_or_lose_what_was_typed(
    client_at_check, step
):
    keys = post_keys(step.form)
    typed = typed_fields(step.form)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        derandomize=True,
    )
    @given(st.fixed_dictionaries(dict.fromkeys(keys, anything)))
    def post_random(data):
        response = client_at_check.post(
            f"/report/{step.slug}/?change=1", {**data, "action": "continue"}
        )
        assert response.status_code < 500
        if response.status_code == 200:
            page = response.content.decode()
            assert "There is a problem" in page
            for name in typed:
                value = data[name]
                if value.strip():
                    assert html.escape(value) in page, (name, value)

    post_random()
