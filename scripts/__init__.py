"""Maintenance scripts run from the project folder (python -m scripts.NAME)."""
