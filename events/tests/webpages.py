"""Saved web pages for the tests of HTML, URL and feed imports: an invented outlet and an invented story.

`page()` writes the HTML a news site would serve (navigation, a heading, the story's
paragraphs, a footer); `SEED_TEXT` is the same story as a seed text file.
"""

from __future__ import annotations

TITLE = "Border commission meets again after a quiet week"
PARAGRAPHS = (
    "Members of the joint border commission met on Friday in a village near the line of contact, "
    "their first session since the spring, according to two officials who attended it.",
    "“We expect every detainee to be home before the first snow,” Foreign Minister Arvo Lindqvist "
    "said after the session, adding that the lists had been exchanged in full.",
    "The mediators said in a short written statement that the commission would meet again within a "
    "month and that both delegations had agreed on the order of the next items.",
)
SEED_TEXT = TITLE + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def page(
    *,
    title: str = TITLE,
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    site_name: str = "The Lowland Courier",
    canonical: str = "https://lowlandcourier.example/2023/09/30/border-commission",
    published: str = "2023-09-30T08:15:00+00:00",
    lang: str = "en",
    head: str = "",
) -> str:
    """`head`: more markup for the page's <head> (an og:url, an original-source link)."""
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    meta = []
    if site_name:
        meta.append(f'<meta property="og:site_name" content="{site_name}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | {site_name or "News"}</title>
{chr(10).join(meta)}
{head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/region">Region</a> <a href="/opinion">Opinion</a></nav></header>
<main><article>
<h1>{title}</h1>
{body}
</article></main>
<footer><p>© 2023 {site_name}. All rights reserved.</p></footer>
</body></html>
"""


def link_list() -> str:
    """An index page: links and nothing to read."""
    links = "\n".join(f'<li><a href="/story/{n}">Story {n}</a></li>' for n in range(30))
    return f"<!DOCTYPE html><html lang='en'><head><title>Index</title></head><body><ul>{links}</ul></body></html>"


def drafts(article) -> list[tuple]:
    """What drafting made of an article, to compare two ways in: span, words, speaker, code, date."""
    from events.models import Statement

    return sorted(
        (s.start, s.end, s.quote, s.speaker.name if s.speaker else None, s.cameo_id, s.said_on)
        for s in Statement.objects.filter(article=article).select_related("speaker")
    )
