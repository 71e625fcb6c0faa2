"""Patients: create, edit and find patients and their responsible party."""
