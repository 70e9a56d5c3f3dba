"""Outlets known in advance, and which outlet a web address belongs to.

The knowledge base's media with an `outlet` entry (fixtures/knowledge/media.json: domains, kind,
country, source URL) are loaded as outlets by import_seeds, insert-only (`load_known_outlets`);
`OutletDomain` holds each outlet's domains, and an article imported from a saved page or a URL
finds its outlet by its host or site name (`OutletDomain.objects.outlet_for`, events/webarticles.py).
Imported by events/models.py (one line) so that the model is part of the app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from events.ingest.knowledge import KnowledgeBase
from events.ingest.webpage import hostname_of


class OutletDomainQuerySet(models.QuerySet):
    def outlet_for(self, *, url: str = "", site_name: str = ""):
        """The outlet of a page: by its host (en.apa.az finds apa.az), else by its site name
        matching an outlet's name; None when neither is known."""
        from events.models import Outlet

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

    objects = OutletDomainQuerySet.as_manager()

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


def load_known_outlets(knowledge: KnowledgeBase, counts) -> None:
    """Insert the outlets of the knowledge base (its media with an `outlet` entry) and their domains
    that the database does not hold, by natural key (slug; domain); never change a stored one.

    An outlet takes its media actor's slug, name (or the entry's short name), country and notes
    (the source URL); a stored outlet of that slug (reference.json's, a curator's edit) keeps its
    values and gains only the domains no outlet holds yet. The caller holds the transaction.
    """
    from events.importers import CREATED, UNCHANGED, ImportFailure, _validation_reason
    from events.models import Outlet

    known = [actor for actor in knowledge.actors if actor.outlet is not None]
    stored = Outlet.objects.in_bulk([actor.slug for actor in known], field_name="slug")
    fresh = []
    for actor in known:
        if actor.slug in stored:
            counts.add(UNCHANGED, Outlet)
            continue
        outlet = Outlet(
            slug=actor.slug,
            name=actor.outlet.name or actor.name,
            kind=actor.outlet.kind,
            country=actor.country,
            url=f"https://{actor.outlet.domains[0]}/",
            notes=f"{actor.role}. {actor.notes}" if actor.role else actor.notes,
        )
        try:
            outlet.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ImportFailure(f"knowledge base: outlet '{actor.slug}': {_validation_reason(error)}") from error
        fresh.append(outlet)
    Outlet.objects.bulk_create(fresh)
    if fresh:
        counts.add(CREATED, Outlet, len(fresh))
    outlets = Outlet.objects.in_bulk([actor.slug for actor in known], field_name="slug")
    taken = set(OutletDomain.objects.values_list("domain", flat=True))
    domains = [
        OutletDomain(outlet=outlets[actor.slug], domain=domain)
        for actor in known
        for domain in actor.outlet.domains
        if domain not in taken
    ]
    OutletDomain.objects.bulk_create(domains)
    if domains:
        counts.add(CREATED, OutletDomain, len(domains))
