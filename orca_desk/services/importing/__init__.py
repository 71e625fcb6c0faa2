"""Import a practice's existing patients and appointments from CSV files (generic and Open Dental)."""
