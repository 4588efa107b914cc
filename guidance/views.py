"""Service information, contacts, search and help. Thin: read, then render."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from guidance import help as guide
from guidance import selectors, services
from guidance.forms import SearchForm
from guidance.models import Category
from guidance.rendering import render_markdown


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/home.html", {"search_form": SearchForm()})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/accessibility.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/privacy.html")


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/cookies.html")


@require_safe
def services_index(request: HttpRequest) -> HttpResponse:
    categories = selectors.categories_with_pages()
    a_to_z = sorted(
        (page for category in categories for page in category.published),
        key=lambda page: page.title.lower(),
    )
    return render(
        request,
        "guidance/services/index.html",
        {"categories": categories, "a_to_z": a_to_z, "search_form": SearchForm()},
    )


@require_safe
def services_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """/services/<slug>/ is a service page or a category (their slugs differ)."""
    page = selectors.page_for_reading(slug=slug)
    if page is not None:
        return _render_page(request, page, preview=False)
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404
    return render(
        request,
        "guidance/services/category.html",
        {
            "category": category,
            "pages": selectors.pages_in_category(category),
            "categories": selectors.categories_with_pages(),
        },
    )


def _render_page(request: HttpRequest, page, *, preview: bool) -> HttpResponse:
    return render(
        request,
        "guidance/services/page.html",
        {"page": page, "body": render_markdown(page.body_markdown), "preview": preview},
    )


def _staff_signed_in_with_both_factors(view):
    """Admin's own check: active staff whose session passed the second factor
    (a password-only session, still setting up its app, is sent there)."""
    return admin.site.admin_view(view)


@_staff_signed_in_with_both_factors
@require_safe
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A page as the public would see it, drafts included, for content editors."""
    if not request.user.has_perm("guidance.view_servicepage"):
        raise PermissionDenied
    page = selectors.page_for_reading(slug=slug, include_drafts=True)
    if page is None:
        raise Http404
    response = _render_page(request, page, preview=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query, results = "", []
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = selectors.search_pages(query)
        if query and not results:
            services.record_search_miss(terms=query, now=timezone.now())
    return render(
        request,
        "guidance/services/search.html",
        {
            "search_form": form,
            "query": query,
            "results": results,
            "error_title": bool(form.errors),
            "categories": selectors.categories_with_pages() if not results else [],
        },
    )


@require_safe
def contacts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "guidance/services/contacts.html",
        {"departments": selectors.departments_with_pages()},
    )


@require_safe
def department(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.department_for_reading(slug=slug)
    if found is None:
        raise Http404
    return render(request, "guidance/services/department.html", {"department": found})


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "guidance/help/index.html", {"topics": guide.TOPICS, "current": None}
    )


@require_safe
def help_topic(request: HttpRequest, topic: str) -> HttpResponse:
    found = guide.BY_SLUG.get(topic)
    if found is None:
        raise Http404
    before, after = guide.neighbours(found)
    return render(
        request,
        found.template,
        {"topics": guide.TOPICS, "current": found, "before": before, "after": after},
    )
