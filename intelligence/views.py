"""Tell us about something. Anonymous by default in how it is built:

- no session: the draft is reached through a random token in the address,
  so no cookie of ours ties one visit to the next (only Django's CSRF cookie,
  whose value we never store);
- the request is never passed to a service, so no address, browser detail
  or cookie value can reach the database, a log line or a task;
- rate limits count a keyed, hourly rotated hash of the address, only in
  the cache, only for the length of the window.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from casework import track, workflow
from casework.models import Case
from casework.references import normalise_reference
from hertsreport.journey_files import post_files, takes_uploads
from hertsreport.journey_views import item_rows, post_collection
from hertsreport.ratelimit import anonymous_client_key
from intelligence import services
from intelligence.followup import FollowUpForm, MoreInformationForm
from intelligence.forms import DangerForm
from intelligence.journey import JOURNEY, gives_details
from intelligence.topics import ELSEWHERE_SLUGS

EXIT = {"exit_this_page": True}


def _limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(
        request, group=group, key=anonymous_client_key, rate=rate, increment=True
    )


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    form = context.get("form")
    context = {**EXIT, "error_title": bool(form is not None and form.errors), **context}
    return render(request, template, context, status=status)


def _step_url(token: str, slug: str) -> str:
    return reverse("intelligence:step", args=[token, slug])


def _next_url(token: str, draft, after: str | None, *, changing: bool) -> str:
    missing = JOURNEY.first_unanswered(draft.answers)
    if changing or after is None:
        target = missing
    else:
        target = JOURNEY.step_after(draft.answers, after)
    if target is None:
        return reverse("intelligence:check", args=[token])
    return _step_url(token, target.slug)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return _page(request, "intelligence/start.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def danger(request: HttpRequest) -> HttpResponse:
    form = DangerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["danger"] == "yes":
            return redirect("intelligence:call_999")
        if _limited(request, "tell-us:start", "30/h"):
            return _page(request, "intelligence/slow_down.html", {}, status=429)
        draft, token = services.start_draft(now=timezone.now())
        return redirect(_step_url(token, JOURNEY.steps[0].slug))
    return _page(
        request,
        "journeys/question.html",
        {"form": form, "back_url": reverse("intelligence:start")},
    )


@require_safe
def call_999(request: HttpRequest) -> HttpResponse:
    return _page(request, "reports/call_999.html", {})


# Where the report journey already explains the other service, say the same.
ELSEWHERE_TEMPLATES = {
    "child_at_risk": "intelligence/elsewhere/child_at_risk.html",
    "terrorism": "reports/elsewhere/terrorism.html",
    "fraud": "reports/elsewhere/fraud.html",
}


@require_safe
def elsewhere(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    if slug not in ELSEWHERE_SLUGS:
        raise Http404
    return _page(
        request, ELSEWHERE_TEMPLATES[slug], {"back_url": _step_url(token, "about")}
    )


def _draft_or_expired(request, token: str):
    try:
        return services.draft_for_token(token=token, now=timezone.now()), None
    except services.DraftNotFound:
        return None, _page(request, "intelligence/expired.html", {}, status=404)


def _is_upload_page(token: str, slug: str) -> bool:
    page = JOURNEY.by_slug.get(slug)
    return page is not None and page.uploads


@takes_uploads(_is_upload_page)
@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    page = JOURNEY.by_slug.get(slug)
    if page is None:
        raise Http404
    draft, expired = _draft_or_expired(request, token)
    if expired:
        return expired
    if draft.submission_id:
        return redirect("intelligence:check", token=token)
    if not page.applies(draft.answers) or not JOURNEY.is_reachable(draft.answers, slug):
        return redirect(_next_url(token, draft, None, changing=True))
    changing = request.GET.get("change") == "1"
    back = (
        reverse("intelligence:check", args=[token])
        if changing
        else (
            _step_url(token, before.slug)
            if (before := JOURNEY.step_before(draft.answers, slug))
            else reverse("intelligence:danger")
        )
    )
    now = timezone.now()
    if page.uploads:
        return _files_step(request, token, draft, page, changing=changing, back=back)
    if page.collection:
        items = (draft.answers.get(slug) or {}).get("items", [])
        form = page.form()
        if request.method == "POST":
            outcome = post_collection(
                request,
                page=page,
                items=items,
                max_items=services.MAX_ITEMS,
                add=lambda item: services.add_item(
                    draft_id=draft.pk, slug=slug, item=item, now=now
                ),
                remove=lambda index: services.remove_item(
                    draft_id=draft.pk, slug=slug, index=index, now=now
                ),
            )
            if outcome.then == "again":
                return redirect(request.get_full_path())
            if outcome.then in {"next", "save"}:
                draft.refresh_from_db()
                return redirect(_next_url(token, draft, slug, changing=changing))
            form = outcome.form
        return _page(
            request,
            "journeys/collection.html",
            {
                "form": form,
                "step": page,
                "items": item_rows(page, items),
                "changing": changing,
                "back_url": back,
            },
        )
    if request.method == "POST":
        form = page.form(request.POST)
        if form.is_valid():
            answer = form.to_answer()
            if slug == "about" and answer["topic"] in ELSEWHERE_SLUGS:
                return redirect(
                    "intelligence:elsewhere", token=token, slug=answer["topic"]
                )
            draft = services.save_answer(
                draft_id=draft.pk, slug=slug, answer=answer, now=now
            )
            return redirect(_next_url(token, draft, slug, changing=changing))
    else:
        form = page.form(initial=page.form.initial_from(draft.answers.get(slug)))
    return _page(
        request,
        "journeys/question.html",
        {"form": form, "changing": changing, "back_url": back},
    )


def _files_step(request, token: str, draft, page, *, changing: bool, back: str):
    rules = services.upload_rules(draft.answers)
    form = page.form(rules=rules)
    if request.method == "POST":
        form = page.form(request.POST, request.FILES, rules=rules)
        outcome = post_files(
            request,
            form=form,
            draft_id=draft.pk,
            add=services.add_file,
            remove=services.remove_file,
            record_answer=services.save_files_answer,
            # Sent, expired or changed in another tab meanwhile: the page
            # works out where to go, under the rules that now apply.
            draft_gone=services.DraftNotFound,
        )
        if outcome.then == "again":
            return redirect(request.get_full_path())
        if outcome.then in {"next", "save"}:
            # No "save for later" here: the page's address is the way back.
            draft.refresh_from_db()
            return redirect(_next_url(token, draft, page.slug, changing=changing))
        form = outcome.form
    return _page(
        request,
        "intelligence/files.html",
        {
            "form": form,
            "attachments": services.files_of(draft),
            "max_files": settings.EVIDENCE_MAX_FILES,
            "anonymous": not gives_details(draft.answers),
            "changing": changing,
            "back_url": back,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, token: str) -> HttpResponse:
    draft, expired = _draft_or_expired(request, token)
    if expired:
        return expired
    if draft.submission_id:
        submission = draft.submission
        return _page(
            request,
            "intelligence/confirmation.html",
            {"case": submission.case, "passphrase": None, "exit_this_page": False},
        )
    missing = JOURNEY.first_unanswered(draft.answers)
    if missing is not None:
        return redirect(_step_url(token, missing.slug))
    refused = services.files_not_allowed(draft)
    if request.method == "POST" and not refused:
        if _limited(request, "tell-us:submit", "20/h"):
            return _page(request, "intelligence/slow_down.html", {}, status=429)
        try:
            submission, passphrase = services.submit_intelligence(
                draft_id=draft.pk, now=timezone.now()
            )
        except services.FilesNotAllowedAnonymously as error:
            refused = error.names
        else:
            # Shown in this response and never again: only its hash is kept.
            return _page(
                request,
                "intelligence/confirmation.html",
                {
                    "case": submission.case,
                    "passphrase": passphrase,
                    "exit_this_page": False,
                },
            )
    return _page(
        request,
        "intelligence/check.html",
        {
            "sections": JOURNEY.summary(draft.answers),
            "back_url": _step_url(token, JOURNEY.last_step(draft.answers).slug),
            "change_prefix": reverse("intelligence:check", args=[token])[
                : -len("check/")
            ],
            "anonymous": not gives_details(draft.answers),
            "refused_files": refused,
            "files_url": _step_url(token, "files") + "?change=1",
            "identity_url": _step_url(token, "identity") + "?change=1",
            "error_title": bool(refused),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    """Come back with the reference and passphrase to add more, anonymously."""
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        if _limited(request, "tell-us:add", "10/15m") or track.too_many_attempts(
            request, reference
        ):
            form.add_error(
                None, _("Too many attempts. Wait 15 minutes, then try again.")
            )
        else:
            case = _case_for_passphrase(reference, form.cleaned_data["passphrase"])
            if case is not None:
                return _page(
                    request,
                    "intelligence/add_more.html",
                    {
                        "form": MoreInformationForm(
                            initial={"token": track.token_for(case)}
                        )
                    },
                )
            form.add_error(
                None,
                _("We could not find that. Check the reference number and passphrase."),
            )
    return _page(request, "intelligence/add.html", {"form": form})


def _case_for_passphrase(reference: str, passphrase: str) -> Case | None:
    case = Case.objects.filter(
        reference=normalise_reference(reference), channel=Case.Channel.INTELLIGENCE
    ).first()
    typed = services.normalise_passphrase(passphrase)
    stored = case.access_passphrase_hash if case else ""
    # One hash check whatever happens, so the time taken tells nothing.
    matches = check_password(typed, stored or track.dummy_hash())
    return case if case is not None and stored and matches else None


@never_cache
@require_http_methods(["POST"])
def add_more(request: HttpRequest) -> HttpResponse:
    form = MoreInformationForm(request.POST)
    try:
        case = track.case_for_token(request.POST.get("token", ""))
    except track.TrackingRefused:
        return redirect("intelligence:add")
    if not form.is_valid():
        return _page(request, "intelligence/add_more.html", {"form": form})
    workflow.add_reporter_information(
        case_id=case.pk, text=form.cleaned_data["information"], now=timezone.now()
    )
    # A GET to show the result: a refresh or the back button adds nothing.
    query = urlencode({"t": track.token_for(case)})
    return redirect(f"{reverse('intelligence:added')}?{query}")


@never_cache
@require_safe
def added(request: HttpRequest) -> HttpResponse:
    try:
        case = track.case_for_token(request.GET.get("t", ""))
    except track.TrackingRefused:
        return redirect("intelligence:add")
    return _page(request, "intelligence/added.html", {"case": case})
