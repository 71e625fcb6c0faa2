"""Booking: book, move, cancel and rebook visits, the checks they share and what follows a change."""
