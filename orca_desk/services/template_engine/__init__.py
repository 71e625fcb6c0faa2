"""Apply template versions to dates and providers: dry-run plan, idempotent bulk apply, replace, fill.

The plan loads the range's schedules (the availability engine's ``load_schedule_data``),
active appointments and already-applied slots in a handful of bulk queries, then decides
every slot in memory with interval arithmetic on epoch minutes. Wall-clock slots become
instants per local day with ``DayClock``, so DST days are exact. Existing appointments are
never overwritten or moved: a slot whose time is taken is skipped and reported.

Each name is imported from the module that owns it (``reading``, ``planning``, ``chunks``, …):
the package imports nothing, so the calendar reads open slots without loading the writer.
"""
