"""Autocomplete fields in inline rows without a query per row.

Django's autocomplete widget looks up the label of its selected value when it renders: one query
per row and field, 87 for a talk with 30 key points. Here the formset looks up every row's selected
values at once, per field, and hands each row's widget the labels (`LabelledChoicesFormSet`);
`LabelledChoicesInline` gives its autocomplete fields the widgets that use them.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.utils.functional import cached_property


class KnownLabelsMixin:
    # value -> label of every value this widget may have to show, set by the formset; None: ask the database
    known: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        if self.known is None:
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for option_value in selected:
            if option_value in self.known:
                index = len(default[1])
                default[1].append(self.create_option(name, option_value, self.known[option_value], True, index))
        return [default]


class KnownLabelsSelect(KnownLabelsMixin, AutocompleteSelect):
    pass


class KnownLabelsSelectMultiple(KnownLabelsMixin, AutocompleteSelectMultiple):
    pass


def autocomplete_of(widget):
    return widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget


class LabelledChoicesFormSet(forms.BaseInlineFormSet):
    """Looks up the labels of every row's autocomplete values in one query per field."""

    @cached_property
    def forms(self):
        rows = super().forms
        names = {name for form in rows for name, field in form.fields.items()
                 if isinstance(autocomplete_of(field.widget), KnownLabelsMixin)}  # fmt: skip
        for name in names:
            values = set()
            for form in rows:
                value = form[name].value()
                values |= {
                    str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")
                }
            field = rows[0].fields[name]
            ids = {value for value in values if value.isdigit()}
            found = field.queryset.filter(pk__in=ids) if ids else []
            # a name typed for a new choice (the author field) shows as typed when the form comes back
            labels = {value: value for value in values - ids}
            labels |= {str(obj.pk): field.label_from_instance(obj) for obj in found}
            for form in rows:
                autocomplete_of(form.fields[name].widget).known = labels
        return rows


class LabelledChoicesInline(admin.TabularInline):
    formset = LabelledChoicesFormSet
    classes = ["phone-cards"]  # its rows as cards on a phone (bibliography/admin.css, inline-cards.js)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
