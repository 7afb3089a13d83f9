"""Values sources propose for papers' fields, and curators' decisions on them."""

from rest_framework import serializers

from bibliography.models import Proposal, ReviewStatus
from bibliography.proposing import ProposalRefused, proposal_decide

from ..exceptions import Conflict
from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class ProposalSerializer(SelectableFieldsMixin, ModelSerializer):
    """A value a source proposes for a field of a paper. Decide it with `PATCH {"status": "accepted"}`
    (the paper takes the value) or `"rejected"` (never proposed again); a rejection can be taken back
    with `"suggested"`."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shown = serializers.CharField(read_only=True, help_text="The value as a curator reads it.")
    value = serializers.JSONField(
        read_only=True,
        help_text="As the paper would hold it: text; a CSL date for issued; {name, kind, short_name} for venue; "
        "[{name, orcid, openalex_id}] for authors.",
    )

    class Meta:
        model = Proposal
        fields = ["id", "paper", "field", "value", "shown", "source", "source_url", "reason", "status",
                  "created_at", "decided_by", "decided_at"]  # fmt: skip
        read_only_fields = [f for f in fields if f != "status"]

    def update(self, proposal, validated_data):
        decision = {ReviewStatus.ACCEPTED: "accept", ReviewStatus.REJECTED: "reject", ReviewStatus.SUGGESTED: "undo"}
        status = validated_data.get("status", proposal.status)
        if status != proposal.status:
            try:
                proposal_decide(proposal, decision[status], by=self.context["request"].user)
            except ProposalRefused as refused:
                raise Conflict(str(refused)) from refused
            proposal.refresh_from_db()
        return proposal
