"""The curators' admin: declarative ModelAdmins; actions call QuerySet methods.

Provenance (hashes, source refs, import times, derived date columns) is read-only.
Every column that shows a related row is covered by `list_select_related` or a
prefetch in `get_queryset()`, so a changelist runs a fixed number of queries.

The workbench on top of the stock admin:
- the review queue (`admin:events_review_queue`): draft statements and events with their
  words in the context of the article, verified, rejected or given another speaker from
  the keyboard (static/js/review.js);
- "reassign the speaker" (an intermediate form with the actor autocomplete) and "merge
  actors" (a confirmation page), both calling model methods;
- the history of every change with revert (django-simple-history's SimpleHistoryAdmin);
- "Recently deleted" (`admin:events_recently_deleted`): deleted statements and events, who
  deleted them and when, restored with their children by events/recovery.py.

One module per area (reference data, articles, actors, statements, events), with what they
share in base.py and inlines.py and the workbench's own pages in review.py. Importing this
package registers every ModelAdmin (Django's admin autodiscovery imports it).
"""

from events.admin import accounts, actors, articles, events, places, reference, statements

__all__ = ["accounts", "actors", "articles", "events", "places", "reference", "statements"]
