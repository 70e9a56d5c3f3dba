from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "conflictdb curation"
admin.site.site_title = "conflictdb"
admin.site.index_title = "Curate the timeline"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
]
