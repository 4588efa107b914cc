"""Service information: pages people read, who to contact, and what they tell us.

Pages, categories, departments and synonyms are edited by content editors in
admin, with their history kept (django-simple-history). Searches that found
nothing and feedback are counted without anything that says who sent them.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Addresses under /services/ that are not categories or pages.
RESERVED_SLUGS = frozenset({"search", "contacts", "preview", "a-z", "feedback"})

REVIEW_INTERVAL = timedelta(days=183)  # pages are checked at least twice a year


def _default_review_by():
    return timezone.localdate() + REVIEW_INTERVAL


def _check_slug_is_free(slug: str, *, other_model, exclude_pk=None) -> None:
    """Categories and pages share /services/<slug>/, so their slugs must differ."""
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            {
                "slug": _("“%(slug)s” is used by the website. Choose another.")
                % {"slug": slug}
            }
        )
    if other_model.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("A category or page already uses this address.")}
        )


class Category(models.Model):
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("guidance:services_entry", args=[self.slug])

    def clean(self) -> None:
        _check_slug_is_free(self.slug, other_model=ServicePage)


class Department(models.Model):
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    handles = models.TextField(
        _("what it handles"), help_text=_("One or two plain sentences.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("guidance:department", args=[self.slug])

    @property
    def phone_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


class ServicePage(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One sentence under the title, and in search results."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="pages",
        verbose_name=_("category"),
    )
    who_for = models.CharField(_("who it is for"), max_length=300)
    cost = models.CharField(_("what it costs"), max_length=300)
    time_taken = models.CharField(_("how long it takes"), max_length=300)
    body_markdown = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Use ## for headings, - for bullet points and "
            "[words](/address/) for links. HTML and scripts are removed."
        ),
    )
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="pages",
        verbose_name=_("who to contact"),
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("related services")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    last_reviewed = models.DateField(_("last reviewed"), default=timezone.localdate)
    review_by = models.DateField(_("review by"), default=_default_review_by)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Weighted title (A), summary and short facts (B), body (C); written by
    # save() on PostgreSQL (guidance.search_index), NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector", "updated_at"])

    class Meta:
        ordering = ["title"]
        verbose_name = _("service page")
        verbose_name_plural = _("service pages")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        from guidance.search_index import refresh_search_vectors

        refresh_search_vectors(ServicePage.objects.filter(pk=self.pk))

    def get_absolute_url(self) -> str:
        return reverse("guidance:services_entry", args=[self.slug])

    def clean(self) -> None:
        _check_slug_is_free(self.slug, other_model=Category)
        if (
            self.review_by
            and self.last_reviewed
            and self.review_by < self.last_reviewed
        ):
            raise ValidationError(
                {"review_by": _("Review by must be on or after the last review")}
            )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def needs_review(self) -> bool:
        return self.review_by < timezone.localdate()


class Synonym(models.Model):
    """A word people use, and the words our pages use for the same thing."""

    term = models.CharField(
        _("what people type"),
        max_length=100,
        unique=True,
        help_text=_("For example: gun licence"),
    )
    expansion = models.CharField(
        _("search for"),
        max_length=200,
        help_text=_("The words our pages use, for example: firearms certificate"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"

    def save(self, *args, **kwargs) -> None:
        from guidance.search_text import normalise

        self.term = normalise(self.term)
        super().save(*args, **kwargs)


class SearchMiss(models.Model):
    """A search that found nothing: the words only, never who searched."""

    terms = models.CharField(_("what people looked for"), max_length=100, unique=True)
    count = models.PositiveIntegerField(_("times"), default=0)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        ordering = ["-count", "-last_seen"]
        verbose_name = _("search with no results")
        verbose_name_plural = _("what people looked for and did not find")

    def __str__(self) -> str:
        return self.terms


class PageFeedback(models.Model):
    """An answer to “Is this page useful?”. No personal details are kept."""

    class Reason(models.TextChoices):
        NOT_FOUND = "not_found", _("I could not find what I was looking for")
        UNCLEAR = "unclear", _("The information was hard to understand")
        WRONG = "wrong", _("The information was wrong or out of date")
        BROKEN = "broken", _("The page did not work properly")
        OTHER = "other", _("Something else")

    path = models.CharField(_("page"), max_length=200, db_index=True)
    useful = models.BooleanField(_("useful"))
    reason = models.CharField(
        _("what was wrong"), max_length=20, choices=Reason, blank=True
    )
    details = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")

    def __str__(self) -> str:
        return f"{self.path}: {'yes' if self.useful else 'no'}"


class JourneyFeedback(models.Model):
    """Satisfaction with the whole service, or one journey through it."""

    class Satisfaction(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        NEITHER = 3, _("Neither satisfied nor dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    journey = models.CharField(_("journey"), max_length=20, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("journey feedback")
        verbose_name_plural = _("journey feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="guidance_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.journey or 'website'}: {self.satisfaction}"
