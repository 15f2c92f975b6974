"""Campaign endpoints."""
