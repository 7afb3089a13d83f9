"""The curation admin: one module per area (papers, concepts, review queues, other records)."""

from . import concepts, papers, records, review  # noqa: F401  (registers the ModelAdmins)
