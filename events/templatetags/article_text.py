"""`{{ text|show_controls }}`: an article's words with each bidirectional control shown as a
visible marker ("[U+202E]") instead of reordering what follows (events/ingest/text.py).
Autoescaping still applies to the result."""

from django import template

from events.ingest.text import show_controls as _show_controls

register = template.Library()


@register.filter(is_safe=False)
def show_controls(text):
    return _show_controls(str(text)) if text is not None else text
