"""Failed-appointment recovery: a missed visit starts a follow-up case that stops by itself on booking.

Import from the modules: ``rows`` (what the screen shows, without the models), ``cases``, ``queries``,
``metrics``, ``sequences``, ``staff``, ``steps``; the package itself loads none of them, so a screen
showing recovery rows does not load the recovery models on the UI thread."""
