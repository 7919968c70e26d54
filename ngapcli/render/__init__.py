"""Renderers: a Result to a rich table (table.py) or to JSON / CSV (data.py)."""
