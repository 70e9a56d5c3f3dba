from django.contrib import admin
from django.urls import include, path

from conflictdb.health import healthz

admin.site.site_header = "conflictdb curation"
admin.site.site_title = "conflictdb"
admin.site.index_title = "Curate the timeline"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
]
