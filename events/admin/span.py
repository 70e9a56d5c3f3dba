"""The span of a statement or an event source shown in its article's text on the admin's change pages."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.highlight import context_html


class SpanInContextMixin:
    """Adds `span_in_context` (a read-only field): the quoted words highlighted in their sentences,
    with the offsets as a caption, so a curator reads the span rather than two numbers."""

    @admin.display(description="span in the article")
    def span_in_context(self, obj):
        if obj is None or obj.pk is None or obj.article_id is None:
            return "—"
        html = mark_safe(context_html(obj.article.body, obj.start, obj.end))  # escaped by context_html
        return format_html(
            '<blockquote class="span-context">{}</blockquote><div class="help">characters {}–{} of “{}”</div>',
            html,
            obj.start,
            obj.end,
            obj.article,
        )
