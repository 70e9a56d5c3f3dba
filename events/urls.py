from django.urls import path

from events import views
from events.views import event_page, places

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("reactions/", views.reactions, name="reactions"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("actors/<int:pk>/", views.actor_detail, name="actor"),
    path("events/<int:pk>/", event_page.event_detail, name="event"),
    path("places/<int:pk>/", places.place_detail, name="place"),
    path("map/", places.map_page, name="map"),
]
