"""Repositories: the only code that reads and writes the tables (no Flask in here)."""
