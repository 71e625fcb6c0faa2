"""The practice and its places and people: clinic, locations, chairs, providers, types."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orca_desk.models.base import Base


class Clinic(Base):
    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # The default region of phone numbers written without a country code (ISO 3166 alpha-2),
    # and the language of the clinic's messages.
    country: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")

    locations: Mapped[list[Location]] = relationship(back_populates="clinic")


class Location(Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA zone, e.g. "America/New_York"
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")

    clinic: Mapped[Clinic] = relationship(back_populates="locations")
    chairs: Mapped[list[Chair]] = relationship(back_populates="location", order_by="Chair.sort_order")


class Chair(Base):
    """An operatory chair; the unit that can hold one appointment at a time."""

    __tablename__ = "chair"
    __table_args__ = (UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    room: Mapped[str] = mapped_column(String(60), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    location: Mapped[Location] = relationship(back_populates="chairs")


class Provider(Base):
    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # orthodontist | hygienist | assistant
    colour: Mapped[str] = mapped_column(String(9), default="#4a7bd0")
    # An orthodontist works several chairs at once while assistants do chairside work.
    max_concurrent: Mapped[int] = mapped_column(Integer, default=1)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProviderChair(Base):
    """A chair a provider usually works in: set up with the clinic, the calendar's lanes for them."""

    __tablename__ = "provider_chair"

    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), primary_key=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("chair.id"), primary_key=True, index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class AppointmentType(Base):
    __tablename__ = "appointment_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    colour: Mapped[str] = mapped_column(String(9))
    default_minutes: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40), default="treatment")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
