"""The Campaigns screen and the new-campaign wizard (audience, A/B messages, schedule, results)."""
