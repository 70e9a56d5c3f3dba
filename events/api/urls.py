"""The REST API under /api/ (namespace "api"): the browsable root, the resources, the schema and its docs.

The docs pages load Swagger UI and ReDoc from drf-spectacular-sidecar's static
files (SPECTACULAR_SETTINGS), never from a CDN, and run no inline script (the
Content-Security-Policy forbids it): Swagger UI's set-up script is served by the same
view at `?script` (SpectacularSwaggerSplitView).
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from events.api import places, views
from events.api.accounts import EventAccountsView
from events.logins import obtain_auth_token

app_name = "api"


class Router(DefaultRouter):
    """The router, whose browsable root also links the timeline and the statistics."""

    extra_root_entries = {"timeline": "timeline", "stats": "stats"}

    def get_api_root_view(self, api_urls=None):
        view = super().get_api_root_view(api_urls)
        view.view_initkwargs["api_root_dict"].update(self.extra_root_entries)
        return view


router = Router()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("events", views.EventViewSet, basename="event")
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("cameo-codes", views.CameoCodeViewSet, basename="cameo-code")
router.register("places", places.PlaceViewSet, basename="place")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", views.OfflineRedocView.as_view(url_name="api:schema"), name="redoc"),
    # POST username and password, get the token for "Authorization: Token <key>".
    path("token/", obtain_auth_token, name="token"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("events/<int:pk>/accounts/", EventAccountsView.as_view(), name="event-accounts"),
    path("map/", places.MapView.as_view(), name="map"),
    *router.urls,
    # Last: whatever else ends in a slash is a JSON 404 (a path without one is still redirected
    # to it by APPEND_SLASH first, as the routes above are).
    re_path(r"^.*/$", views.not_found),
]
