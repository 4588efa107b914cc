"""The track page. Thin: checks and actions are in casework.track and workflow."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from casework import track, workflow
from casework.forms import AddInformationForm, TrackForm

NOT_FOUND = gettext_lazy(
    "We could not find a report with those details. Check the reference number "
    "and the email address or passphrase."
)


def _result(request, case, *, form=None, added=False, status=200) -> HttpResponse:
    form = form or AddInformationForm(initial={"token": track.token_for(case)})
    return render(
        request,
        "casework/track_result.html",
        {
            "case": case,
            "timeline": track.public_timeline(case),
            "form": form,
            "added": added,
            "error_title": bool(form.errors),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        if track.too_many_attempts(request, reference):
            form.add_error(
                None,
                _("Too many attempts. Wait 15 minutes, then try again, or call 101."),
            )
        else:
            case = track.find_case(
                reference=reference, secret=form.cleaned_data["secret"]
            )
            if case is not None:
                return _redirect_to_case(case)
            form.add_error(None, NOT_FOUND)
    return render(
        request, "casework/track.html", {"form": form, "error_title": bool(form.errors)}
    )


def _redirect_to_case(case, **extra) -> HttpResponse:
    # The case page is a GET, so a refresh or the back button repeats nothing.
    # Its address carries a signed token that expires within the hour.
    query = urlencode({"t": track.token_for(case), **extra})
    return redirect(f"{reverse('casework:track_case')}?{query}")


def _expired(request) -> HttpResponse:
    start = TrackForm({})
    start.full_clean()
    start.errors.clear()
    start.add_error(None, _("This page has expired. Find your report again."))
    return render(request, "casework/track.html", {"form": start, "error_title": True})


@never_cache
@require_safe
def case_page(request: HttpRequest) -> HttpResponse:
    try:
        case = track.case_for_token(request.GET.get("t", ""))
    except track.TrackingRefused:
        return _expired(request)
    return _result(request, case, added=request.GET.get("added") == "1")


@never_cache
@require_http_methods(["POST"])
def add_information(request: HttpRequest) -> HttpResponse:
    form = AddInformationForm(request.POST)
    try:
        case = track.case_for_token(request.POST.get("token", ""))
    except track.TrackingRefused:
        return _expired(request)
    if not form.is_valid():
        return _result(request, case, form=form)
    workflow.add_reporter_information(
        case_id=case.pk, text=form.cleaned_data["information"], now=timezone.now()
    )
    return _redirect_to_case(case, added="1")
