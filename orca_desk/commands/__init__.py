"""Command-line subcommands; each module exposes ``register(subparsers, common)``."""

# Order is the order shown in --help. A feature adds its module here.
COMMAND_MODULES = [
    "orca_desk.commands.db_cmd",
    "orca_desk.commands.demo_cmd",
    "orca_desk.commands.setup_cmd",
    "orca_desk.commands.availability_cmd",
    "orca_desk.commands.print_cmd",
    "orca_desk.commands.gateway_cmd",
    "orca_desk.commands.worker_cmd",
    "orca_desk.commands.message_cmd",
    "orca_desk.commands.ical_cmd",
    "orca_desk.commands.templates_cmd",
    "orca_desk.commands.waitlist_cmd",
    "orca_desk.commands.backup_cmd",
    "orca_desk.commands.export_cmd",
    "orca_desk.commands.import_cmd",
]
