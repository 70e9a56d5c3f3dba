"""Server-rendered reader pages: the timeline, an article with its spans, an actor, the reactions matrix.

The views only wire QuerySet methods (`for_timeline()`) and the API's FilterSets
(events/filters.py) to templates; each page runs a fixed number of queries whatever
the number of rows (pinned in events/tests/test_pages.py and test_reactions.py).

    timeline_page.py    the timeline page (its chart: chart.py; its bands and cursor: bands.py)
    pages.py            an article, an actor
    reactions_page.py   the reactions page (its matrix's kinds, cells and rows: reaction_table.py)
"""

from events.views.pages import actor_detail, article_detail
from events.views.reactions_page import reactions
from events.views.timeline_page import timeline

__all__ = ["actor_detail", "article_detail", "reactions", "timeline"]
