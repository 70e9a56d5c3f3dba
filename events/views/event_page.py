"""The event page (/events/<id>/): every account of one event side by side (models/accounts.py)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from events.models import Event, accounts_of, with_accounts
from events.visibility import visible


def event_detail(request, pk):
    # A reader opens verified events only, as the timeline lists them (events/visibility.py).
    event = get_object_or_404(visible(with_accounts(Event.objects.all()), request), pk=pk)
    return TemplateResponse(request, "events/event.html", {"event": event, "accounts": accounts_of(event)})
