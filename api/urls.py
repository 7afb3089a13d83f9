from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import errors
from .views.attachments import AttachmentViewSet
from .views.authors import AuthorViewSet
from .views.autocomplete import AutocompleteView
from .views.citations import CitationViewSet
from .views.concepts import ConceptViewSet
from .views.imports import ImportRunViewSet
from .views.key_points import KeyPointViewSet
from .views.notes import NoteViewSet
from .views.papers import PaperViewSet
from .views.proposals import ProposalViewSet
from .views.sync import DeletedView
from .views.tags import TagViewSet
from .views.venues import VenueViewSet

router = DefaultRouter()
router.register("papers", PaperViewSet, basename="paper")
router.register("authors", AuthorViewSet, basename="author")
router.register("concepts", ConceptViewSet, basename="concept")
router.register("citations", CitationViewSet, basename="citation")
router.register("venues", VenueViewSet, basename="venue")
router.register("keypoints", KeyPointViewSet, basename="keypoint")
router.register("notes", NoteViewSet, basename="note")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("tags", TagViewSet, basename="tag")
router.register("import-runs", ImportRunViewSet, basename="importrun")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("autocomplete/<str:kind>/", AutocompleteView.as_view(), name="autocomplete"),
    path("deleted/", DeletedView.as_view(), name="deleted"),
    *router.urls,
    re_path(r"^[\s\S]*$", errors.not_found),  # a path with a line break in it too
]
