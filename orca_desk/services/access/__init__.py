"""Access: sign-in, roles and permissions, the audit trail and the clinic's API keys."""
