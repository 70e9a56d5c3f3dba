"""Which outlet a web address belongs to: the domains of each outlet, and the lookup by host or site name.

Imported by events/models.py (one line) so that the model is part of the app. An article
imported from a saved page or a URL finds its outlet here (events/webarticles.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

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
