"""Serializer fields that take JSON as it is written: text is a string, a list is a list."""

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text is a JSON string: `"description": 0` is refused, not read as "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField, StrictCharField):
    pass


class StrictURLField(serializers.URLField, StrictCharField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """Model serializers whose text fields take only strings."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
    }


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A JSON list of references: a mapping (`{}`) is refused, not read as the list of its keys."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugListField(serializers.SlugRelatedField):
    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = StrictManyRelatedField
        return field
