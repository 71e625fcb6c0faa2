"""Analytics: how reminders and templates perform, and which patients may drop out."""
