"""“Is this page useful?” and /feedback/: work without JavaScript, keep no identity."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from guidance import services
from guidance.forms import JourneyFeedbackForm, PageUsefulForm, WhatWentWrongForm
from guidance.journeys import JOURNEYS, journey_label

PAGE_FEEDBACK_TAG = "page-feedback"


def _safe_next(request: HttpRequest, candidate: str) -> str:
    """Where to send someone back to: a page of this site, or the home page."""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("guidance:home")


def page_label(path: str) -> str:
    """What page feedback is filed under: the path of a content page, or the
    pattern of any other (so that a resume link's token is never kept)."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return "(unknown page)"
    if match.namespace == "guidance":
        return path
    return "/" + match.route


@require_POST
def page_feedback(request: HttpRequest) -> HttpResponse:
    form = PageUsefulForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        return redirect(next_url)
    useful = form.cleaned_data["useful"] == "yes"
    feedback = services.record_page_usefulness(
        path=page_label(next_url), useful=useful, now=timezone.now()
    )
    if not useful:
        token = services.explain_token(feedback)
        url = reverse("guidance:what_went_wrong", args=[token])
        return redirect(f"{url}?{urlencode({'next': next_url})}")
    messages.success(request, _("Thank you for your feedback"), PAGE_FEEDBACK_TAG)
    return redirect(f"{next_url}#page-feedback")


@never_cache
@require_http_methods(["GET", "POST"])
def what_went_wrong(request: HttpRequest, token: str) -> HttpResponse:
    next_url = _safe_next(request, request.GET.get("next", ""))
    try:
        services.feedback_for_token(token)
    except services.InvalidFeedback:
        return redirect(next_url)
    form = WhatWentWrongForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.explain_page_feedback(
            token=token,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
        messages.success(request, _("Thank you for your feedback"), PAGE_FEEDBACK_TAG)
        return redirect(f"{next_url}#page-feedback")
    return render(
        request,
        "guidance/feedback/what_went_wrong.html",
        {"form": form, "back_url": next_url, "error_title": bool(form.errors)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = JourneyFeedbackForm(request.POST)
        if form.is_valid():
            services.record_journey_feedback(
                journey=form.cleaned_data["journey"],
                satisfaction=form.cleaned_data["satisfaction"],
                comments=form.cleaned_data["comments"],
                now=timezone.now(),
            )
            return redirect("guidance:feedback_thanks")
        journey = form.data.get("journey", "")
    else:
        # An unknown ?journey= is not an error: it is feedback on the website.
        journey = request.GET.get("journey", "")
        journey = journey if journey in JOURNEYS else ""
        form = JourneyFeedbackForm(initial={"journey": journey})
    return render(
        request,
        "guidance/feedback/form.html",
        {
            "form": form,
            "journey": journey_label(journey if journey in JOURNEYS else ""),
            "error_title": bool(form.errors),
        },
    )


@require_safe
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/feedback/thanks.html")
