"""Staff users who sign in, and their roles."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models import clinic  # noqa: F401 (registers the tables its foreign keys name)
from orca_desk.models.base import Base


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(30))  # see services.access.security.ROLE_PERMISSIONS
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set for a one-time password (clinic setup, a reset): the user chooses their own at sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
