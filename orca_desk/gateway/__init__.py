"""Patient-link gateway (WSGI)."""
