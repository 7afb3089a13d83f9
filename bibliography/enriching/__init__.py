"""Completing papers from scholarly services: a polite HTTP client (`http.py`), the services (`sources.py`),
and which work is the paper (`enrich.py`). See docs/enrichment.md."""
