"""Public means verified: which review statuses a reader sees when they do not say.

Events and statements carry a review status (draft from the importer, verified or rejected by a
curator). A reader (anonymous, or logged in without the right to curate) sees the verified
records unless they ask for others with `review_status=draft|verified|rejected|any`: the timeline,
/reactions/, the exports and the API lists alike. A curator (a user who may change statements or
events) sees every record by default, drafts marked as such, and `review_status=verified` shows
them what the public sees.

A site whose readers are its curators can show drafts to everyone (settings.PUBLIC_REVIEW_STATUS
= "any"); the test suite written before this rule runs that way (pytest.ini), and
events/tests/test_public_view.py checks the rule itself with the production default.

`ReviewStatusFilter` is the FilterSets' `review_status` (events/filters.py) for events and
statements; `effective_review` tells the pages which status a filterset ends up showing, so they
read that status's kept counts (events/counts.py keeps them per status), or all of them for "any".
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django_filters.constants import EMPTY_VALUES

from events.models import ReviewStatus

ANY = "any"
CHOICES = [*ReviewStatus.choices, (ANY, "any (drafts too)")]


def may_see_drafts(user) -> bool:
    """Whether drafts are shown to `user` by default: a curator's job is to review them."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.has_perm("events.change_statement") or user.has_perm("events.change_event")


def default_review(request) -> str:
    """A curator's default is every status; everybody else's the site's (settings.PUBLIC_REVIEW_STATUS)."""
    return ANY if may_see_drafts(getattr(request, "user", None)) else settings.PUBLIC_REVIEW_STATUS


def visible(queryset, request):
    """The records of `queryset` a request may open one by one (an event's page, its accounts): the
    review status it asks for (`?review_status=`), else its default (default_review)."""
    asked = request.GET.get("review_status", "")
    value = asked if asked in dict(CHOICES) else default_review(request)
    return queryset if value == ANY else queryset.filter(review_status=value)


def shown_label(value: str) -> str:
    """What a page counts or lists, in words, for the review status it shows."""
    return "statements of every review status" if value == ANY else f"{value} statements only"


def effective_review(filterset) -> str:
    """The review status a (validated) filterset shows: the one asked for, or the default for its request."""
    value = filterset.form.cleaned_data.get("review_status")
    return value if value not in EMPTY_VALUES else default_review(filterset.request)


class ReviewStatusFilter(django_filters.ChoiceFilter):
    """`review_status` of events and statements, verified unless asked otherwise (curators: any)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "review_status")
        kwargs.setdefault("choices", CHOICES)
        kwargs.setdefault(
            "help_text",
            "draft, verified, rejected or any. Not given: verified records only, or every record for a "
            "curator (a user who may change them). Any other value is an error (400).",
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            value = default_review(getattr(self.parent, "request", None))
        if value == ANY:
            return qs
        return qs.filter(**{self.field_name: value})
