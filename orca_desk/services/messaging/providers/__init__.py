"""SMS and email provider clients behind one interface.

``base`` holds the ``Provider`` protocol and its value types, ``http`` the shared retry and
rate-limit rules, ``twilio``/``sendgrid``/``local`` the clients, and
``config.providers_from_env`` builds them from ``ORCA_DESK_*`` variables.
"""
