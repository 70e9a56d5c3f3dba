from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("reactions/", views.reactions, name="reactions"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("actors/<int:pk>/", views.actor_detail, name="actor"),
    path("", include("events.place_urls")),
]
