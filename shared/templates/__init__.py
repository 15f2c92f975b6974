"""Message templates: storage, validation, the rendering sandbox and previews."""
