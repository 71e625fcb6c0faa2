"""Schedule templates: the builder, versions, apply dialog and analytics."""
