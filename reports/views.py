"""The report-a-crime journey. Thin: each view calls a service and redirects."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from hertsreport.journey_files import post_files, takes_uploads
from hertsreport.journey_views import item_rows, post_collection
from reports import journey, services
from reports.forms import DeclarationForm, EmergencyForm
from reports.kinds import ELSEWHERE_SLUGS
from reports.models import Report, ReportDraft
from reports.resume import ResumeEmailForm

SESSION_DRAFT = "report_draft"
SESSION_RESUME_LINK = "report_resume_link"


def _draft(request: HttpRequest) -> ReportDraft | None:
    draft_id = request.session.get(SESSION_DRAFT)
    if not draft_id:
        return None
    try:
        return services.open_draft(draft_id=draft_id, now=timezone.now())
    except (services.DraftNotFound, ValueError):
        return None


def _page(request, template: str, context: dict, *, status: int = 200):
    context.setdefault("exit_this_page", True)
    form = context.get("form")
    context.setdefault("error_title", bool(form is not None and form.errors))
    if not template.startswith("journeys/"):
        template = f"reports/{template}"
    return render(request, template, context, status=status)


def _where_next(draft: ReportDraft, after: str | None, *, changing: bool) -> str:
    missing = journey.first_unanswered(draft.answers)
    if changing or after is None:
        return _url_for(missing) if missing else reverse("reports:check")
    following = journey.step_after(draft.answers, after)
    return _url_for(following) if following else reverse("reports:check")


def _url_for(step: journey.Step) -> str:
    return reverse("reports:step", args=[step.slug])


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return _page(request, "start.html", {"exit_this_page": False})


@never_cache
@require_http_methods(["GET", "POST"])
def emergency(request: HttpRequest) -> HttpResponse:
    form = EmergencyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["emergency"] == "yes":
            # Nothing is stored: they need 999, not a draft.
            return redirect("reports:call_999")
        draft = _draft(request)
        if draft is None or draft.report_id:
            draft = services.start_draft(now=timezone.now())
            request.session[SESSION_DRAFT] = str(draft.pk)
        return redirect(_where_next(draft, None, changing=True))
    return _page(
        request,
        "journeys/question.html",
        {"form": form, "back_url": reverse("reports:start")},
    )


@require_safe
def call_999(request: HttpRequest) -> HttpResponse:
    return _page(request, "call_999.html", {})


@require_safe
def elsewhere(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in ELSEWHERE_SLUGS:
        raise Http404
    return _page(
        request,
        f"elsewhere/{slug}.html",
        {"back_url": _url_for(journey.BY_SLUG["kind"])},
    )


def _is_upload_page(slug: str) -> bool:
    page = journey.BY_SLUG.get(slug)
    return page is not None and page.uploads


@takes_uploads(_is_upload_page)
@never_cache
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    page = journey.BY_SLUG.get(slug)
    if page is None:
        raise Http404
    draft = _draft(request)
    if draft is None:
        return redirect("reports:start")
    if draft.report_id:
        return redirect("reports:confirmation")
    answers = draft.answers
    if not page.applies(answers) or not journey.is_reachable(answers, slug):
        return redirect(_where_next(draft, None, changing=True))

    changing = request.GET.get("change") == "1"
    if page.collection:
        return _collection_step(request, draft, page, changing=changing)
    if page.uploads:
        return _files_step(request, draft, page, changing=changing)

    if request.method == "POST":
        form = page.form(request.POST)
        if form.is_valid():
            answer = form.to_answer()
            if slug == "kind" and answer["kind"] in ELSEWHERE_SLUGS:
                return redirect("reports:elsewhere", slug=answer["kind"])
            draft = services.save_answer(
                draft_id=draft.pk, slug=slug, answer=answer, now=timezone.now()
            )
            if request.POST.get("action") == "save":
                return _save_for_later(request, draft)
            return redirect(_where_next(draft, slug, changing=changing))
    else:
        form = page.form(initial=page.form.initial_from(answers.get(slug)))
    return _page(
        request,
        "journeys/question.html",
        {
            "form": form,
            "save_later": True,
            "changing": changing,
            "back_url": _back_url(draft, slug, changing),
        },
    )


def _back_url(draft: ReportDraft, slug: str, changing: bool) -> str:
    if changing:
        return reverse("reports:check")
    before = journey.step_before(draft.answers, slug)
    return _url_for(before) if before else reverse("reports:emergency")


def _collection_step(
    request, draft: ReportDraft, page: journey.Step, *, changing: bool
):
    items = (draft.answers.get(page.slug) or {}).get("items", [])
    form = page.form()
    if request.method == "POST":
        now = timezone.now()
        outcome = post_collection(
            request,
            page=page,
            items=items,
            max_items=services.MAX_COLLECTION_ITEMS,
            add=lambda item: services.add_item(
                draft_id=draft.pk, slug=page.slug, item=item, now=now
            ),
            remove=lambda index: services.remove_item(
                draft_id=draft.pk, slug=page.slug, index=index, now=now
            ),
        )
        if outcome.then == "again":
            return redirect(request.get_full_path())
        if outcome.then in {"next", "save"}:
            draft.refresh_from_db()
            if outcome.then == "save":
                return _save_for_later(request, draft)
            return redirect(_where_next(draft, page.slug, changing=changing))
        form = outcome.form
    return _page(
        request,
        "journeys/collection.html",
        {
            "form": form,
            "step": page,
            "items": item_rows(page, items),
            "changing": changing,
            "save_later": True,
            "back_url": _back_url(draft, page.slug, changing),
        },
    )


def _files_step(request, draft: ReportDraft, page: journey.Step, *, changing: bool):
    form = page.form()
    if request.method == "POST":
        form = page.form(request.POST, request.FILES)
        outcome = post_files(
            request,
            form=form,
            draft_id=draft.pk,
            add=services.add_evidence,
            remove=services.remove_evidence,
            record_answer=services.save_files_answer,
            # Sent or expired in another tab meanwhile: the page works out
            # where to go.
            draft_gone=services.DraftNotFound,
        )
        if outcome.then == "again":
            return redirect(request.get_full_path())
        if outcome.then == "save":
            return _save_for_later(request, draft)
        if outcome.then == "next":
            draft.refresh_from_db()
            return redirect(_where_next(draft, page.slug, changing=changing))
    return _page(
        request,
        "files.html",
        {
            "form": form,
            "attachments": services.evidence_of(draft),
            "max_files": settings.EVIDENCE_MAX_FILES,
            "changing": changing,
            "save_later": True,
            "back_url": _back_url(draft, page.slug, changing),
        },
    )


def _save_for_later(request, draft: ReportDraft):
    token = services.issue_resume_token(draft_id=draft.pk, now=timezone.now())
    request.session[SESSION_RESUME_LINK] = request.build_absolute_uri(
        reverse("reports:resume", args=[token])
    )
    return redirect("reports:saved")


@never_cache
@require_http_methods(["GET", "POST"])
def saved(request: HttpRequest) -> HttpResponse:
    link = request.session.get(SESSION_RESUME_LINK)
    draft = _draft(request)
    if not link or draft is None:
        return redirect("reports:start")
    form = ResumeEmailForm(request.POST if request.method == "POST" else None)
    sent_to = ""
    if request.method == "POST" and form.is_valid():
        sent_to = form.cleaned_data["email"]
        services.email_resume_link(
            draft_id=draft.pk, to=sent_to, link=link, now=timezone.now()
        )
    return _page(
        request,
        "saved.html",
        {
            "link": link,
            "form": form,
            "sent_to": sent_to,
            "expires_at": draft.expires_at,
        },
    )


@never_cache
@require_safe
def resume(request: HttpRequest, token: str) -> HttpResponse:
    try:
        draft = services.draft_for_resume_token(token=token, now=timezone.now())
    except services.DraftNotFound:
        return _page(request, "resume_expired.html", {}, status=404)
    request.session.cycle_key()
    request.session[SESSION_DRAFT] = str(draft.pk)
    return redirect(_where_next(draft, None, changing=True))


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    draft_id = request.session.get(SESSION_DRAFT)
    if draft_id and request.method == "POST" and form.is_valid():
        # Straight to the service, without reading the draft first: it locks
        # the draft and checks it is live, complete and not sent already.
        try:
            services.submit_report(draft_id=draft_id, now=timezone.now())
        except services.DraftNotFound:
            return redirect("reports:start")
        except services.IncompleteReport as missing_page:
            return redirect("reports:step", slug=str(missing_page))
        # The session's draft now leads to the report: nothing to write.
        return redirect("reports:confirmation")
    draft = _draft(request)
    if draft is None:
        return redirect("reports:start")
    if draft.report_id:
        return redirect("reports:confirmation")
    missing = journey.first_unanswered(draft.answers)
    if missing is not None:
        return redirect(_url_for(missing))
    return _page(
        request,
        "check.html",
        {
            "form": form,
            "sections": journey.summary(draft.answers),
            "back_url": _url_for(journey.last_step(draft.answers)),
        },
    )


def _submitted(request) -> Report | None:
    draft = _draft(request)
    if draft is None or not draft.report_id:
        return None
    return Report.objects.select_related("case").filter(pk=draft.report_id).first()


@never_cache
@require_http_methods(["GET", "POST"])
def confirmation(request: HttpRequest) -> HttpResponse:
    # POST too: a form re-sent after submitting lands here with its answer.
    report = _submitted(request)
    if report is None:
        return redirect("reports:start")
    return _page(
        request, "confirmation.html", {"report": report, "exit_this_page": False}
    )


@never_cache
@require_safe
def copy(request: HttpRequest) -> HttpResponse:
    report = _submitted(request)
    if report is None:
        return redirect("reports:start")
    return _page(
        request,
        "copy.html",
        {"report": report, "sections": journey.summary(report.answers)},
    )
