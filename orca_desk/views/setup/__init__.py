"""The first-run setup wizard: an empty database to a clinic its staff can sign in to."""
