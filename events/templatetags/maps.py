"""{% map_built %}: whether `make map-js` has put the map's libraries in static/vendor/map/."""

from django import template
from django.contrib.staticfiles import finders

register = template.Library()


@register.simple_tag
def map_built() -> bool:
    # Looked up by the static files finders (static/ in development, and what collectstatic copies).
    return finders.find("vendor/map/leaflet.js") is not None
