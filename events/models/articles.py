"""Source articles: the verbatim text every span points into."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from events.models.base import NaturalKeyManager
from events.models.reference import Outlet
from events.models.versioning import VersionedModel
from events.search import SearchQuerySet


class ArticleQuerySet(SearchQuerySet):
    def for_listing(self):
        """The one query shape for lists of articles (API): the outlets come in the same query."""
        return self.select_related("outlet", "republished_by")

    def with_text(self):
        """Articles whose seed file has been imported (metadata-only rows have no body yet)."""
        return self.exclude(body="")


class Article(VersionedModel):
    """A source article. `body` is the file's text verbatim: every span elsewhere indexes into it.

    Offsets are Python string indices (Unicode code points), which is also what
    SQLite's length() and PostgreSQL's char_length() count.
    """

    article_text_fields = ("body",)

    source_ref = models.CharField(max_length=200, unique=True, help_text="Stable provenance key: the seed file name.")
    title = models.CharField(max_length=500, blank=True)
    caption = models.TextField(blank=True, help_text="Image caption as in the file; may be junk.")
    body = models.TextField(blank=True, help_text="The whole file text, verbatim. Empty until the file is imported.")
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    republished_by = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="republications",
        help_text="Who published the copy we hold, when it is not the original outlet's own text.",
    )
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Empty: the article is flagged as undated.")
    language = models.CharField(max_length=10, default="en")
    file_name = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True, help_text="What a reader should know about this source.")
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    drafted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the importer last drafted statements from this text. The unchanged file is not "
        "drafted again (import_seeds --redraft does).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager.from_queryset(ArticleQuerySet)("source_ref")
    derived_fields = ("sha256",)

    class Meta:
        ordering = ("published_on", "id")
        constraints = [
            # One article per content: a file imported under two names is the same article.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="events_article_unique_sha256",
                violation_error_message="an article with exactly this text already exists",
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="events_article_sha256_hex",
                violation_error_message="sha256 must be 64 lower-case hexadecimal digits",
            ),
            models.CheckConstraint(
                condition=Q(body="", sha256="") | (~Q(body="") & ~Q(sha256="")),
                name="events_article_body_has_hash",
                violation_error_message="an article with a body needs the body's sha256, and one without a body none",
            ),
        ]
        indexes = [
            # Article list filtered by outlet and ordered by date (API, outlet pages).
            models.Index(fields=["outlet", "published_on"], name="events_article_outlet_date"),
        ]

    def __str__(self):
        return self.title or self.source_ref

    def natural_key(self):
        return (self.source_ref,)

    def get_absolute_url(self):
        return reverse("events:article", args=[self.pk])

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def is_undated(self) -> bool:
        return self.published_on is None

    def excerpt(self, start: int, end: int) -> str:
        return self.body[start:end]

    def derive_hash(self) -> None:
        """Set sha256 from the body; save() calls it, and bulk writers must."""
        self.sha256 = self.hash_text(self.body) if self.body else ""

    def clean(self):
        # The hash is derived (see save()); set it here too so the constraints validate the real pair.
        self.derive_hash()
        twin = Article.objects.filter(sha256=self.sha256).exclude(sha256="").exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {"body": f"the article {twin.source_ref!r} already has exactly this text (same SHA-256)"}
            )

    def save(self, *args, **kwargs):
        # Derived column (as CameoCode.root): the hash always belongs to the body it is stored with.
        self.derive_hash()
        super().save(*args, **kwargs)
