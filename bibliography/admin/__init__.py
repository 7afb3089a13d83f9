"""The curation admin: one module per area (papers, concepts, the records papers point to, provenance,
the review lists and queues)."""

from . import catalogue, concepts, jobs, papers, provenance, review_lists, review_queues  # noqa: F401  (registers them)
