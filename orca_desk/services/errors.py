"""Typed errors that services raise, with messages a receptionist understands."""

from __future__ import annotations


class OrcaError(Exception):
    """Base of every error a service raises on purpose; ``str(e)`` is shown to the user."""


class ValidationError(OrcaError):
    """The input is wrong; nothing was changed. ``field`` names what is wrong when known."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConflictError(OrcaError):
    """The change collides with something else (a chair, a patient, a provider's limit)."""


class StaleEditError(ConflictError):
    """Someone else changed the record since it was read; reload and try again."""


class OutsideHoursError(ConflictError):
    """The time is outside the provider's working hours, on their day off or in a block.

    Staff with the override permission may book it anyway after confirming; the message
    says why ("Dr. Chen does not work Saturdays", "Lunch block 12:00–13:00").
    """


class PermissionDenied(OrcaError):
    """The signed-in user may not do this."""


class NotFound(OrcaError):
    """The record named does not exist (or no longer does)."""


class BusyError(OrcaError):
    """The database was too busy to do it now (another desk held what this change needed);
    nothing was changed. Trying again in a moment normally works.

    ``retryable``: the transaction was chosen as a deadlock victim or failed serialization,
    so running it again as a whole is safe (``Database.run_write`` does, a few times).
    """

    def __init__(
        self,
        message: str = "The database is busy with another desk's change; "
        "nothing was changed. Please try again.",
        *,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
