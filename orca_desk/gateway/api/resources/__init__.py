"""The API's resources, one module each, with its routes and its part of the OpenAPI document."""

from __future__ import annotations

from types import ModuleType

from orca_desk.gateway.api.routing import Route


def modules() -> list[ModuleType]:
    from orca_desk.gateway.api.resources import (
        appointments,
        availability,
        campaigns,
        provider_schedules,
        recurring,
        reminder_sequences,
        templates,
        waitlist,
    )

    return [
        appointments,
        availability,
        waitlist,
        templates,
        provider_schedules,
        recurring,
        reminder_sequences,
        campaigns,
    ]


def routes() -> list[Route]:
    return [route for module in modules() for route in module.ROUTES]
