"""Rental intake forms (versioned JSON Schema documents) and the applications submitted on them."""
