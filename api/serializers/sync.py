"""Papers deleted or merged away since a library version, for a copy kept in step."""

from rest_framework import serializers

from ..fields import Serializer


class DeletedPaperSerializer(Serializer):
    id = serializers.IntegerField(help_text="The deleted paper's id.")
    merged_into = serializers.IntegerField(allow_null=True, help_text="The paper it was merged into, if it was.")
    deletion = serializers.IntegerField(help_text="This deletion's number (the next page starts after it).")


class DeletionsSerializer(Serializer):
    papers = DeletedPaperSerializer(many=True)
    next = serializers.URLField(allow_null=True)
