"""The curation admin: one module per area (papers, concepts, review queues, other records)."""

from django.contrib import admin

from . import concepts, papers, records, review  # noqa: F401  (registers the ModelAdmins)

admin.site.site_header = "Bibliography curation"
admin.site.site_title = "Bibliography"
admin.site.index_title = "Curation"
