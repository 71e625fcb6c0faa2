"""Patient links: signed tokens, what each kind does, the URLs in messages, reschedule links."""
