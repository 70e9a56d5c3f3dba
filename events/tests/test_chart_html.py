"""The timeline chart's bars and table rows, written in Python (Chart.bars_svg, Chart.table_rows), are
the bytes the template's loops over the bars wrote before (issue 19): both rendered on random charts."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.template import Context, Template

from events.api.timeline import EVENT, STATEMENT
from events.views.chart import build_chart
from events.views.timeline_page import TimelineQuery

# templates/events/timeline.html's loops as they were before the chart wrote them itself.
TEMPLATE_LOOPS = Template(
    """{% for bar in chart.bars %}{% if bar.href %}
    <a href="{{ bar.href }}" class="bar{% if bar.selected %} bar-selected{% endif %}" aria-label="{{ bar.description }}">
      <title>{{ bar.description }}</title>
      <rect class="bar-hit" x="{{ bar.x }}" y="0" width="{{ bar.width }}" height="{{ chart.height }}"></rect>
      <rect class="bar-events" x="{{ bar.x }}" y="{{ bar.event_y }}" width="{{ bar.width }}" height="{{ bar.event_height }}"></rect>
      <rect class="bar-statements" x="{{ bar.x }}" y="{{ bar.statement_y }}" width="{{ bar.width }}" height="{{ bar.statement_height }}"></rect>
    </a>
    {% elif bar.selected %}<rect class="bar-window" x="{{ bar.x }}" y="0" width="{{ bar.width }}" height="{{ chart.height }}"></rect>{% endif %}{% endfor %}
|{% for bar in chart.bars %}{% if bar.total %}<tr><th scope="row"><a href="{{ bar.href }}">{{ bar.label }}</a></th><td>{{ bar.events }}</td><td>{{ bar.statements }}</td></tr>{% endif %}{% endfor %}"""  # noqa: E501
)
NEW = Template("""{{ chart.bars_svg }}
|{{ chart.table_rows }}""")


def random_chart(rng: random.Random):
    first = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3000))
    span = rng.choice([3, 40, 400, 2000, 9000, 20000])
    counts = [
        (rng.choice([EVENT, STATEMENT]), first + dt.timedelta(days=rng.randrange(span)), rng.choice([1, 1, 2, 7, 300]))
        for _ in range(rng.randrange(1, 400))
    ]
    low = rng.choice([None, first + dt.timedelta(days=rng.randrange(span))])
    high = rng.choice([None, (low or first) + dt.timedelta(days=rng.randrange(span))])
    # A link with what a query string may hold: &, quotes, <, non-ASCII.
    suffix = rng.choice(["", "&q=%22x%22", "&actor=a<b>&c='d'", "&q=Ստեփանակերտ"])
    return build_chart(counts, (low, high), lambda start, end: f"/?date_from={start}&date_to={end}{suffix}")


@pytest.mark.parametrize("seed", range(40))
def test_the_chart_writes_the_bytes_the_template_loops_wrote(seed):
    chart = random_chart(random.Random(seed))
    assert chart is not None
    assert NEW.render(Context({"chart": chart})) == TEMPLATE_LOOPS.render(Context({"chart": chart}))
    assert chart.bars_svg.count("<a ") == sum(1 for bar in chart.bars if bar.href)


@pytest.mark.parametrize("seed", range(20))
def test_a_bars_link_is_the_url_of_its_dates_with_the_other_filters(seed):
    rng = random.Random(seed)
    values = ["a b", "x&y=z", "“quoted”", "Ստեփանակերտ", "2020-01-01", "+", "%20"]
    names = rng.sample(["escalation", "actor", "date_to", "q", "type", "date_from", "per_page", "country"], 5)
    query = TimelineQuery({name: rng.choice(values) for name in names[: rng.randrange(6)]}, None, {})
    link = query.date_links("/")
    for _ in range(5):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        end = start + dt.timedelta(days=rng.randrange(40))
        assert link(start, end) == query.url("/", date_from=start.isoformat(), date_to=end.isoformat())
