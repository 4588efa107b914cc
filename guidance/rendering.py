"""Markdown to safe HTML in GOV.UK style.

Python-Markdown turns what editors write into HTML, raw HTML included;
nh3 (the Rust ammonia sanitiser) then keeps only the tags, attributes and
link schemes below, so no script, event handler or `javascript:` link
survives whatever an editor (or someone who took over their account) typed.
The GOV.UK classes are added by the sanitiser itself, after cleaning.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "br",
    "hr",
    "blockquote",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
# Relative links (/report/) are always allowed; absolute ones only with these.
ALLOWED_SCHEMES = {"https", "http", "mailto", "tel"}

GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "hr": {"class": "govuk-section-break govuk-section-break--m"},
    "blockquote": {"class": "govuk-inset-text"},
    "table": {"class": "govuk-table"},
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
    "tr": {"class": "govuk-table__row"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(
        text or "", extensions=["sane_lists", "tables"], output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=None,
        set_tag_attribute_values=GOVUK_CLASSES,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
