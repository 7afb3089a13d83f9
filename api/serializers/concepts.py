"""Concepts of the graph, and a concept named in writes by its slug, or a slug it had before."""

from django.db import transaction
from rest_framework import serializers

from bibliography.models import Concept, ConceptRelation

from ..exceptions import Conflict
from ..fields import ModelSerializer, SlugListField
from .base import SelectableFieldsMixin


class ConceptField(SlugListField):
    """A concept by its slug, or by a slug it had before a rename or a merge."""

    def to_internal_value(self, data):
        if isinstance(data, str) and (concept := Concept.objects.find(data)):
            return concept
        return super().to_internal_value(data)


class ConceptSerializer(SelectableFieldsMixin, ModelSerializer):
    parents = ConceptField(slug_field="slug", many=True, queryset=Concept.objects.all(), required=False)
    children = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    paper_count = serializers.IntegerField(read_only=True, help_text="Papers with an accepted tag of this concept.")
    paper_count_with_descendants = serializers.IntegerField(
        read_only=True, help_text="Papers with an accepted tag of this concept or any concept below it."
    )

    class Meta:
        model = Concept
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "parents",
            "children",
            "paper_count",
            "paper_count_with_descendants",
        ]

    @transaction.atomic
    def create(self, validated_data):
        parents = validated_data.pop("parents", [])
        concept = Concept.objects.create(**validated_data)
        self._set_parents(concept, parents)
        return concept

    @transaction.atomic
    def update(self, concept, validated_data):
        parents = validated_data.pop("parents", None)
        changed = self.changes(concept, validated_data)
        renamed = "name" in changed and "slug" not in validated_data
        for name, value in changed.items():
            if renamed and name == "name":
                concept.rename(value)  # the slug follows; the old one stays an alias
            else:
                setattr(concept, name, value)
        if changed:
            concept.save()
        if parents is not None and set(parents) != set(concept.parents.all()):
            self._set_parents(concept, parents)
        return concept

    def _set_parents(self, concept, parents):
        concept.parent_relations.exclude(parent__in=parents).delete()
        have = set(concept.parent_relations.values_list("parent_id", flat=True))
        for parent in parents:
            if parent.pk in have:
                continue
            relation = ConceptRelation(parent=parent, child=concept)
            try:
                relation.clean()
            except Exception as error:
                # a well-formed request that the graph as it stands cannot take, as a double is
                said = getattr(error, "messages", [str(error)])
                raise Conflict({"detail": f"parents: {' '.join(said)}", "errors": {"parents": said}}) from error
            relation.save()

    def to_representation(self, concept):
        if not hasattr(concept, "paper_count"):
            concept = Concept.objects.filter(pk=concept.pk).for_display().get()
        return super().to_representation(concept)
