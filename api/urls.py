from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import errors, views

router = DefaultRouter()
router.register("papers", views.PaperViewSet, basename="paper")
router.register("authors", views.AuthorViewSet, basename="author")
router.register("concepts", views.ConceptViewSet, basename="concept")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("venues", views.VenueViewSet, basename="venue")
router.register("keypoints", views.KeyPointViewSet, basename="keypoint")
router.register("notes", views.NoteViewSet, basename="note")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("tags", views.TagViewSet, basename="tag")
router.register("import-runs", views.ImportRunViewSet, basename="importrun")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("autocomplete/<str:kind>/", views.AutocompleteView.as_view(), name="autocomplete"),
    path("deleted/", views.DeletedView.as_view(), name="deleted"),
    *router.urls,
    re_path(r"^[\s\S]*$", errors.not_found),  # a path with a line break in it too
]
