"""The residents directory: residents, custom fields, segments, consent, and the one filter evaluator."""
