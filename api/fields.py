"""Serializer fields that take JSON as it is written: text is a string, a list is a list."""

import re
from collections.abc import Mapping

from django.db import models
from rest_framework import serializers

# What a reader can see: not spaces (Python's or ECMA's), control characters or a byte-order mark.
VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ufeff]")


class StrictCharField(serializers.CharField):
    """Text is a JSON string: `"description": 0` is refused, not read as "0"; text that may not be
    blank says something a reader can see (a name of a byte-order mark or a NEL is blank)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if not self.allow_blank and not VISIBLE.search(data):
            self.fail("blank")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField, StrictCharField):
    pass


class JsonNumber:
    """A number is a JSON number: `"5"` and `true` are refused, not read as 5 and 1."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(JsonNumber, serializers.IntegerField):
    pass


class StrictFloatField(JsonNumber, serializers.FloatField):
    pass


class StrictURLField(serializers.URLField, StrictCharField):
    pass


class NamedFieldsOnly:
    """Writes name every field they will not take: a name the record does not have is refused; a
    read-only field the record serves is taken back unchanged (a document read and sent back) and
    refused changed."""

    def served_fields(self) -> set[str]:
        """What a GET of the record carries."""
        return set(self.fields)

    def served(self) -> dict:
        """The record as a GET of it answers."""
        return self.to_representation(self.instance)

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and self.parent is None:
            self._only_writable(data)
        return super().to_internal_value(data)

    def _only_writable(self, data: Mapping) -> None:
        writable = {name for name, field in self.fields.items() if not field.read_only}
        extra = [name for name in data if name not in writable]
        if not extra:
            return
        served_names = self.served_fields()
        current = self.served() if self.instance is not None and set(extra) & served_names else {}
        errors = {}
        for name in extra:
            if name not in served_names:
                errors[name] = [f"no such field; the fields a write takes: {', '.join(sorted(writable))}"]
            elif self.instance is None or current.get(name) != data[name]:
                errors[name] = ["read-only: it is served, not written (send it unchanged, or leave it out)"]
        if errors:
            raise serializers.ValidationError(errors)


class Serializer(NamedFieldsOnly, serializers.Serializer):
    """A request body that is no record (a batch, a merge): every field it has is one it takes."""

    def served_fields(self) -> set[str]:
        return set()


class ModelSerializer(NamedFieldsOnly, serializers.ModelSerializer):
    """Model serializers whose text fields take only strings and numbers only numbers."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        **{
            model_field: StrictIntegerField if field is serializers.IntegerField else StrictFloatField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field in (serializers.IntegerField, serializers.FloatField)
        },
    }

    def update(self, instance, validated_data):
        if not self.changes(instance, validated_data):
            return instance  # a document sent back as it was read changes nothing, not even updated_at
        return super().update(instance, validated_data)

    @staticmethod
    def changes(instance, validated_data: dict) -> dict:
        """What the data would change in the record: its own fields' values and its lists' members."""
        changed = {}
        for name, value in validated_data.items():
            field = instance._meta.get_field(name)
            current = set(getattr(instance, name).all()) if field.many_to_many else getattr(instance, name)
            if current != (set(value) if field.many_to_many else value):
                changed[name] = value
        return changed

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank and kwargs.get("read_only"):
            # DRF drops it from read-only fields, and the schema would then say a blank choice is never served
            kwargs["allow_blank"] = True
        return kwargs


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A JSON list of references: a mapping (`{}`) is refused, not read as the list of its keys."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugListField(serializers.SlugRelatedField):
    """A record named by its slug, which is text: `0` is refused, not read as the slug "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = StrictManyRelatedField
        return field
