"""Importing dumps: one parser per format (text to records, no database), and one loader."""
