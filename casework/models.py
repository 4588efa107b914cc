"""What every channel shares. This first slice: districts, teams and staff notices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """One of the county's ten local authority districts."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """A postcode outward code ("AL1", "SG12") and the district it lies in."""

    outward_code = models.CharField(_("outward code"), max_length=4, unique=True)
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="postcode_areas",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["outward_code"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")

    def __str__(self) -> str:
        return self.outward_code


class Team(models.Model):
    class Kind(models.TextChoices):
        CONTROL_ROOM = "control_room", _("Control room")
        INVESTIGATION = "investigation", _("Investigation")
        INTELLIGENCE = "intelligence", _("Intelligence")
        NEIGHBOURHOOD = "neighbourhood", _("Safer neighbourhood")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("district"),
        help_text=_("Empty for a team that serves the whole county."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class StaffNotice(models.Model):
    """A notice pushed live to every open staff page (a new urgent item, say)."""

    class Level(models.TextChoices):
        INFO = "info", _("Information")
        URGENT = "urgent", _("Urgent")

    text = models.CharField(_("text"), max_length=300)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.INFO
    )
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    broadcast_at = models.DateTimeField(_("broadcast at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff notice")
        verbose_name_plural = _("staff notices")

    def __str__(self) -> str:
        return self.text
