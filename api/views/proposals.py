"""Values sources propose for papers' fields, which curators accept or reject."""

from rest_framework import mixins, viewsets

from bibliography.models import Proposal

from ..serializers.proposals import ProposalSerializer
from .parameters import StrictQueryMixin
from .writes import CuratedWritesMixin


class ProposalViewSet(
    StrictQueryMixin,
    CuratedWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Values sources propose for papers' fields (`manage.py enrich`, imports that say otherwise). Sources
    make them; curators decide them: `PATCH {"status": "accepted"}` or `{"status": "rejected"}`."""

    queryset = Proposal.objects.select_related("decided_by")
    serializer_class = ProposalSerializer
    filterset_fields = ["paper", "status"]
    http_method_names = ["get", "patch", "head", "options"]
