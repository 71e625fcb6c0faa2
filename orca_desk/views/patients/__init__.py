"""Patient screens: create and edit patients and their responsible party."""
