"""Files attached to papers: what is known of each, and the upload that attaches one."""

from django.urls import reverse
from rest_framework import serializers

from bibliography import attachments
from bibliography.models import Attachment, Paper

from ..exceptions import Conflict
from ..fields import ModelSerializer
from .base import SelectableFieldsMixin


class AttachmentSerializer(SelectableFieldsMixin, ModelSerializer):
    paper = serializers.PrimaryKeyRelatedField(queryset=Paper.objects.all())
    file = serializers.FileField(
        write_only=True, help_text="The file (multipart/form-data). Checked by its content, not its name."
    )
    download = serializers.SerializerMethodField(help_text="Where the file is read (signed in).")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id", "paper", "file", "name", "media_type", "size", "sha256", "pages", "text_note", "download",
            "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["name", "media_type", "size", "sha256", "pages", "text_note", "created_at"]

    def get_download(self, attachment) -> str:
        path = reverse("attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate_file(self, upload):
        try:
            return attachments.read(upload)
        except attachments.FileRefused as error:
            raise serializers.ValidationError(str(error)) from error

    def create(self, validated_data):
        try:
            return attachments.attach(
                validated_data["paper"], validated_data["file"], user=validated_data.get("created_by")
            )
        except attachments.FileRefused as error:
            raise Conflict(str(error)) from error
