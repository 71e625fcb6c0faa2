"""Domain services: every business rule, Qt-free, one Session per unit of work."""
