"""Where the first-run setup keeps its progress (a clinic_setting), readable before SQLAlchemy loads."""

from __future__ import annotations

# clinic_setting key: the last page the wizard saved, "done" once the setup is finished. A clinic
# made by `orca-desk setup --from` or the demo has no such key and never sees the wizard.
PROGRESS_KEY = "setup_wizard"
DONE = "done"
STEPS = ("clinic", "locations", "chairs", "providers", "appointment_types", "staff", "messaging")
