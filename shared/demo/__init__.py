"""Demo data that composes several domains (the top of `shared/`: it may import any of them)."""
