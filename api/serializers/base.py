"""What every resource's serializer shares: `?fields=` choosing the fields an answer carries."""

from rest_framework import serializers

from ..exceptions import BadParameter


class SelectableFieldsMixin:
    """`?fields=id,title` keeps only those fields (smaller responses for large pages)."""

    # Fields added to some responses only (e.g. search results' relevance), selectable all the same.
    optional_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected_fields = None
        request = self.context.get("request")
        if (
            request is None
            or self.context.get("whole")
            or self.parent is not None
            and not isinstance(self.parent, serializers.ListSerializer)
        ):
            return
        wanted = request.query_params.get("fields")
        if not wanted:
            return
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        self.selected_fields = set(names)
        unknown = [name for name in names if name not in self.fields and name not in self.optional_fields]
        if unknown:
            raise BadParameter("fields", f"unknown field {unknown[0]!r}; fields: {', '.join(self.fields)}")
        for name in set(self.fields) - set(names):
            self.fields.pop(name)
