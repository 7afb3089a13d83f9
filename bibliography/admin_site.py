"""The curation admin's site: Django's, with autocomplete answers that say what a choice is, and pages
of its own (the review queues) that admin modules register as they register their ModelAdmins."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteView(AutocompleteJsonView):
    """A choice shows its `autocomplete_label` where the model has one (a concept's kind beside its
    name: the category "language" and the topic "Language models learn…" are told apart)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(obj, "autocomplete_label", None):
            result["text"] = label
        return result


class CurationSite(admin.AdminSite):
    site_header = "Bibliography curation"
    site_title = "Bibliography"
    index_title = "Curation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def register_pages(self, pages_class) -> None:
        """Serve the URLs of `pages_class(site).urls()` beside the ModelAdmins'. This module is loaded
        with the app configs, before any model can be imported, so the pages come to the site."""
        self._pages.append(pages_class)

    def autocomplete_view(self, request):
        return LabelledAutocompleteView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [url for pages_class in self._pages for url in pages_class(self).urls()] + super().get_urls()


class CurationAdminConfig(AdminConfig):
    default_site = "bibliography.admin_site.CurationSite"
