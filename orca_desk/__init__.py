"""Orca Desk: front-desk scheduling for orthodontic practices."""

__version__ = "0.1.0"
