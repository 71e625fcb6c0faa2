"""Clinic settings that are not secret: one key/value row each (secrets live in the OS keyring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from orca_desk.models.base import Base, UTCDateTime


class ClinicSetting(Base):
    """One setting, its value as text (services/clinic/clinic_settings.py parses and validates it)."""

    __tablename__ = "clinic_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")
