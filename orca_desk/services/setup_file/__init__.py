"""A clinic setup file's sections, their problems and its reading: free of the database, so a
file's own mistakes are said before SQLAlchemy loads (``clinic_setup`` saves what it describes)."""
