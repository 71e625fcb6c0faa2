"""Qt shell, shared widgets, item models and workers."""
