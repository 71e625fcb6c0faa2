"""Re-engagement campaigns: audience by criteria, A/B variants with a hold-out, paced sending, results.

Import from the modules: ``rows`` (what the screens show, without the models), ``audience``,
``variants``, ``drafts``, ``launch``, ``results``, ``sending``, ``attribution``; the package itself
loads none of them, so the Campaigns screen opens without the campaign models."""
