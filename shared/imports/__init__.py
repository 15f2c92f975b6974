"""Resident CSV imports: announce (presigned POST), then the worker reads the file and upserts residents."""
