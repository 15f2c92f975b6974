"""Report endpoints."""
