"""The place and map pages (issue 17), included by events/urls.py (namespace "events")."""

from django.urls import path

from events import place_views

urlpatterns = [
    path("places/<int:pk>/", place_views.place_detail, name="place"),
    path("map/", place_views.map_page, name="map"),
]
