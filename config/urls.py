from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # the versioned path scripts may pin; before the plain one, so that links are made with the plain one
    path("api/v1/", include("api.urls")),
    path("api/", include("api.urls")),
    path("graph/", include("bibliography.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
