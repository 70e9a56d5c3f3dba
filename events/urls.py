from django.urls import path

from events import views
from events.views import places

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("reactions/", views.reactions, name="reactions"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("actors/<int:pk>/", views.actor_detail, name="actor"),
    path("places/<int:pk>/", places.place_detail, name="place"),
    path("map/", places.map_page, name="map"),
]
