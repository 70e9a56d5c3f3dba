"""Reference data: the CAMEO codebook, outlets and escalations."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from events.ingest import dates as fuzzy
from events.ingest.webpage import hostname_of
from events.models.base import CleanTextMixin, NaturalKeyManager


class CameoCode(CleanTextMixin, models.Model):
    """One entry of the CAMEO codebook (fixtures/cameo.json, from shared/data/cameo.csv)."""

    code = models.CharField(max_length=4, primary_key=True)
    label = models.CharField(max_length=200)
    # The two-digit root ("02" for every appeal), stored so type-family filters need no LIKE.
    root = models.CharField(max_length=2, db_index=True, blank=True, editable=False)

    objects = NaturalKeyManager("code")

    class Meta:
        ordering = ("code",)
        verbose_name = "CAMEO code"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2,4}$"),
                name="events_cameocode_digits",
                violation_error_message="a CAMEO code is 2 to 4 digits",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    def natural_key(self):
        return (self.code,)

    @property
    def is_root(self) -> bool:
        return len(self.code) == 2

    def save(self, *args, **kwargs):
        # Derived column, not a side effect: the root is part of the code itself.
        self.root = self.code[:2]
        super().save(*args, **kwargs)


class Outlet(CleanTextMixin, models.Model):
    class Kind(models.TextChoices):
        WIRE = "wire", "news agency (wire)"
        STATE_MEDIA = "state_media", "state media"
        NEWSPAPER = "newspaper", "newspaper"
        DIASPORA_PRESS = "diaspora_press", "diaspora press"
        BROADCASTER = "broadcaster", "broadcaster"
        OFFICIAL = "official", "official channel"
        INDEPENDENT = "independent", "independent media"
        AGGREGATOR = "aggregator", "aggregator / republisher"
        OTHER = "other", "other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    country = CountryField(blank=True)
    url = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class OutletDomainQuerySet(models.QuerySet):
    def outlet_for(self, *, url: str = "", site_name: str = ""):
        """The outlet of a page: by its host (en.apa.az finds apa.az), else by its site name
        matching an outlet's name; None when neither is known."""
        host = hostname_of(url)
        if host:
            # The host and each parent domain but the top-level one: en.apa.az, apa.az.
            labels = host.split(".")
            candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
            found = {d.domain: d.outlet for d in self.filter(domain__in=candidates).select_related("outlet")}
            for candidate in candidates:
                if candidate in found:
                    return found[candidate]
        name = " ".join(site_name.split())
        if name:
            return Outlet.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).first()
        return None


class OutletDomain(models.Model):
    """A domain an outlet publishes under (rt.com, apa.az): a page's host names its outlet."""

    outlet = models.ForeignKey("events.Outlet", on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=200, unique=True, help_text="Lower-case, without “www.”: a sub-domain finds it too."
    )

    objects = NaturalKeyManager.from_queryset(OutletDomainQuerySet)("domain")

    class Meta:
        ordering = ("domain",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain__regex=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"),
                name="events_outletdomain_lower_case_host",
                violation_error_message="a domain is a lower-case host name such as rt.com",
            ),
        ]

    def __str__(self):
        return self.domain

    def natural_key(self):
        return (self.domain,)

    def save(self, *args, **kwargs):
        self.domain = hostname_of(f"http://{self.domain.strip()}") or self.domain
        super().save(*args, **kwargs)


class EscalationQuerySet(models.QuerySet):
    def containing(self, day: dt.date | None) -> Escalation | None:
        """The escalation whose period contains `day` (the earliest if several), or None.

        The escalations are read once per queryset and searched in memory: the importer asks
        this of one queryset for every date it drafts (a query per date before, 494 for 1,000
        files, 0.3-0.5 s of the import at 10^6 events on PostgreSQL).
        """
        if day is None:
            return None
        return next((escalation for escalation in self if escalation.contains(day)), None)


class Escalation(CleanTextMixin, models.Model):
    """A named period that groups events on the timeline."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while it is ongoing.")
    description = models.TextField(blank=True)

    objects = NaturalKeyManager.from_queryset(EscalationQuerySet)("slug")

    class Meta:
        ordering = ("start_date", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="events_escalation_end_after_start",
                violation_error_message="the end is before the start",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "the end is before the start"})

    @property
    def date_label(self) -> str:
        return fuzzy.format_fuzzy_range(self.start_date, fuzzy.DAY, self.end_date, fuzzy.DAY)

    def contains(self, day: dt.date) -> bool:
        """Whether `day` is within the escalation's period (an open one has no end)."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
