"""The Administration tabs: locations, chairs, providers, appointment types, staff users."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from orca_desk.services import administration as adm
from orca_desk.services.clinic_setup import MAX_CONCURRENT, PROVIDER_ROLES
from orca_desk.services.phones import example_phone
from orca_desk.ui import language
from orca_desk.ui.context import AppContext
from orca_desk.ui.labels import hint
from orca_desk.views.admin.editor import EditorTab


def _yes_no(active: bool) -> str:
    return "" if active else "archived"


class ColourField(QWidget):
    """A #rrggbb text field with a swatch of the colour it names."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("#3b6fd4")
        self.edit.setMaxLength(9)
        self.edit.setAccessibleName(self.tr("Colour"))
        self.edit.setAccessibleDescription(
            self.tr("The colour shown in the calendar, as #rrggbb; the swatch beside it shows it")
        )
        self.swatch = QLabel()
        self.swatch.setFixedSize(22, 22)
        self.edit.textChanged.connect(self._paint)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.swatch)

    def _paint(self, text: str) -> None:
        colour = QColor(text.strip())
        fill = colour.name() if colour.isValid() and text.strip().startswith("#") else "transparent"
        self.swatch.setStyleSheet(f"background: {fill}; border: 1px solid #9aa5b1; border-radius: 4px;")

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class ZoneCombo(QComboBox):
    """An editable time-zone field whose list is filled when first opened or focused: finding the
    zones walks the system's zone files (tens of milliseconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.setEditable(True)
        self._filled = False

    def fill_zones(self) -> None:
        if self._filled:
            return
        self._filled = True
        text = self.currentText()
        self.blockSignals(True)
        self.addItems(sorted(z for z in available_timezones() if "/" in z))
        self.setCurrentText(text)
        self.blockSignals(False)

    def showPopup(self) -> None:
        self.fill_zones()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill_zones()  # typing completes from the list
        super().focusInEvent(event)


class LocationsTab(EditorTab[adm.LocationAdminRow]):
    archivable = False

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            ctx,
            columns=[
                (self.tr("Location"), lambda r: r.name),
                (self.tr("Time zone"), lambda r: r.timezone),
                (self.tr("Chairs"), lambda r: r.chair_count),
                (self.tr("Address"), lambda r: r.address),
            ],
            stretch=3,
            empty_text=self.tr("No locations yet: add the first with New location."),
            new_text=self.tr("New location"),
            title=self.tr("Location"),
        )
        self.show_archived.hide()
        self.name = QLineEdit()
        self.timezone = ZoneCombo()
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(example_phone(ctx.clinic.country, in_full=True))
        self.add_field("name", self.tr("Name"), self.name, describe=self.tr("The location's name"))
        self.add_field(
            "timezone",
            self.tr("Time zone"),
            self.timezone,
            self.tr("Fixed once appointments are booked there."),
        )
        self.add_field(
            "address", self.tr("Address"), self.address, describe=self.tr("The location's street address")
        )
        self.add_field("phone", self.tr("Phone"), self.phone, describe=self.tr("The location's phone number"))
        self.form.addRow("", hint(self.tr("Locations are never deleted: archive their chairs instead.")))

    def fill(self, row: adm.LocationAdminRow | None) -> None:
        self.name.setText(row.name if row else "")
        # A new location starts in the clinic's zone (Europe/London for a London practice): a
        # zone chosen for it by mistake would put every visit booked there hours off.
        places = self.ctx.clinic.locations
        self.timezone.setCurrentText(row.timezone if row else places[0].timezone if places else "UTC")
        self.address.setText(row.address if row else "")
        self.phone.setText(row.phone if row else "")

    def write(self, session: Any) -> str:
        edit = adm.LocationEdit(
            self.name.text(),
            self.timezone.currentText(),
            self.address.text(),
            self.phone.text(),
            id=self.current.id if self.current else None,
        )
        self.saved_id = adm.save_location(session, self.ctx.actor, edit, now=self.ctx.clock.now())
        return self.tr("Location {name} saved").format(name=edit.name.strip())


class ChairsTab(EditorTab[adm.ChairAdminRow]):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            ctx,
            columns=[
                (self.tr("Location"), lambda r: r.location),
                (self.tr("Chair"), lambda r: r.name),
                (self.tr("Room"), lambda r: r.room),
                (self.tr("Status"), lambda r: _yes_no(r.is_active)),
            ],
            stretch=2,
            empty_text=self.tr("No chairs yet: add one with New chair to book into it."),
            new_text=self.tr("New chair"),
            title=self.tr("Chair"),
        )
        self.location = QComboBox()
        self.name = QLineEdit()
        self.room = QLineEdit()
        self.add_field(
            "location",
            self.tr("Location"),
            self.location,
            describe=self.tr("Where the chair is; fixed once saved"),
        )
        self.add_field(
            "name", self.tr("Name"), self.name, describe=self.tr("The chair's name in the calendar")
        )
        self.add_field("room", self.tr("Room"), self.room, describe=self.tr("The room the chair is in"))
        self.form.addRow("", hint(self.tr("A chair with future appointments cannot be archived.")))

    def set_locations(self, locations: tuple[adm.LocationAdminRow, ...]) -> None:
        self.location.clear()
        for loc in locations:
            self.location.addItem(loc.name, loc.id)

    def fill(self, row: adm.ChairAdminRow | None) -> None:
        if row is not None:
            self.location.setCurrentIndex(self.location.findData(row.location_id))
        self.location.setEnabled(self.editable and row is None)  # a chair does not move
        self.name.setText(row.name if row else "")
        self.room.setText(row.room if row else "")

    def write(self, session: Any) -> str:
        loc = self.location.currentData()
        if loc is None:
            from orca_desk.services.errors import ValidationError

            raise ValidationError(self.tr("Add a location first."), field="location")
        edit = adm.ChairEdit(
            int(loc), self.name.text(), self.room.text(), id=self.current.id if self.current else None
        )
        self.saved_id = adm.save_chair(session, self.ctx.actor, edit, now=self.ctx.clock.now())
        return self.tr("Chair {name} saved").format(name=edit.name.strip())

    def write_active(self, session: Any, row: adm.ChairAdminRow, active: bool) -> str:
        adm.set_chair_active(session, self.ctx.actor, row.id, active, now=self.ctx.clock.now())
        return (self.tr("Chair {name} restored") if active else self.tr("Chair {name} archived")).format(
            name=row.name
        )


class ProvidersTab(EditorTab[adm.ProviderAdminRow]):
    sig_open_schedules = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            ctx,
            columns=[
                (self.tr("Provider"), lambda r: r.name),
                (self.tr("Role"), lambda r: language.say(r.role)),
                (self.tr("At once"), lambda r: r.max_concurrent),
                (self.tr("Usual chairs"), lambda r: r.chairs),
                (self.tr("Status"), lambda r: _yes_no(r.is_active)),
            ],
            stretch=3,
            empty_text=self.tr("No providers yet: add one with New provider."),
            new_text=self.tr("New provider"),
            title=self.tr("Provider"),
        )
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in PROVIDER_ROLES:
            self.role.addItem(language.say(role).capitalize(), role)
        self.colour = ColourField()
        self.max_concurrent = QSpinBox()
        self.max_concurrent.setRange(1, MAX_CONCURRENT)
        self.max_concurrent.setSuffix(self.tr(" patients"))
        self.chairs = QListWidget()
        self.chairs.setMaximumHeight(110)
        self.add_field("name", self.tr("Name"), self.name, describe=self.tr("The provider's name"))
        self.add_field("role", self.tr("Role"), self.role, describe=self.tr("What the provider does"))
        self.add_field("colour", self.tr("Colour"), self.colour)
        self.add_field(
            "max_concurrent",
            self.tr("At once"),
            self.max_concurrent,
            describe=self.tr("How many patients the provider sees at the same time"),
        )
        self.add_field(
            "chairs",
            self.tr("Usual chairs"),
            self.chairs,
            describe=self.tr("Tick the chairs the provider works in"),
        )
        self.hours_button = QPushButton(self.tr("Weekly hours on the Schedules screen…"))
        self.hours_button.setFlat(True)
        self.hours_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hours_button.clicked.connect(self.sig_open_schedules)
        self.hours_button.setAccessibleDescription(
            self.tr("Open the Schedules screen to set the provider's hours")
        )
        self.form.addRow(self.tr("Hours"), self.hours_button)
        QWidget.setTabOrder(self.chairs, self.hours_button)  # Tab: the last row, then the buttons under it
        QWidget.setTabOrder(self.hours_button, self.archive_button)
        QWidget.setTabOrder(self.archive_button, self.save_button)

    def set_chairs(self, chairs: tuple[adm.ChairAdminRow, ...]) -> None:
        self.chairs.clear()
        for chair in chairs:
            if chair.is_active:
                item = QListWidgetItem(f"{chair.location}/{chair.name}", self.chairs)
                item.setData(Qt.ItemDataRole.UserRole, chair.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)

    def fill(self, row: adm.ProviderAdminRow | None) -> None:
        self.name.setText(row.name if row else "")
        self.role.setCurrentIndex(max(0, self.role.findData(row.role if row else "orthodontist")))
        self.colour.setText(row.colour if row else "#4a7bd0")
        self.max_concurrent.setValue(row.max_concurrent if row else 1)
        usual = set(row.chair_ids) if row else set()
        for i in range(self.chairs.count()):
            item = self.chairs.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in usual
                else Qt.CheckState.Unchecked
            )

    def checked_chairs(self) -> tuple[int, ...]:
        items = [self.chairs.item(i) for i in range(self.chairs.count())]
        return tuple(
            int(it.data(Qt.ItemDataRole.UserRole)) for it in items if it.checkState() == Qt.CheckState.Checked
        )

    def write(self, session: Any) -> str:
        edit = adm.ProviderEdit(
            self.name.text(),
            str(self.role.currentData()),
            self.colour.text(),
            self.max_concurrent.value(),
            self.checked_chairs(),
            id=self.current.id if self.current else None,
        )
        self.saved_id = adm.save_provider(session, self.ctx.actor, edit, now=self.ctx.clock.now())
        return self.tr("Provider {name} saved").format(name=edit.name.strip())

    def write_active(self, session: Any, row: adm.ProviderAdminRow, active: bool) -> str:
        adm.set_provider_active(session, self.ctx.actor, row.id, active, now=self.ctx.clock.now())
        return (self.tr("{name} restored") if active else self.tr("{name} archived")).format(name=row.name)


class TypesTab(EditorTab[adm.TypeAdminRow]):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            ctx,
            columns=[
                (self.tr("Appointment type"), lambda r: r.name),
                (self.tr("Length"), lambda r: self.tr("{n} min").format(n=r.minutes)),
                (self.tr("Category"), lambda r: language.say(r.category)),
                (self.tr("Colour"), lambda r: r.colour),
                (self.tr("Status"), lambda r: _yes_no(r.is_active)),
            ],
            stretch=0,
            empty_text=self.tr("No appointment types yet: add one to start booking."),
            new_text=self.tr("New type"),
            title=self.tr("Appointment type"),
        )
        self.name = QLineEdit()
        self.colour = ColourField()
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" min"))
        self.category = QComboBox()
        self.category.setEditable(True)
        self.add_field("name", self.tr("Name"), self.name, describe=self.tr("The type's name when booking"))
        self.add_field("colour", self.tr("Colour"), self.colour)
        self.add_field(
            "minutes",
            self.tr("Default length"),
            self.minutes,
            describe=self.tr("How long a visit of this type is booked for"),
        )
        self.add_field(
            "category",
            self.tr("Category"),
            self.category,
            describe=self.tr(
                "The group of the type, such as treatment, consult or emergency; type a new one"
            ),
        )
        self.form.addRow(
            "",
            hint(
                self.tr("Archived types are not offered for new bookings; booked appointments keep theirs.")
            ),
        )

    def set_rows(self, rows: object) -> None:  # type: ignore[override]
        if self.defer(rows):  # type: ignore[arg-type]
            return
        super().set_rows(rows)  # type: ignore[arg-type]
        categories = sorted({r.category for r in self.all_rows} | {"treatment", "consult", "emergency"})
        text = self.category.currentText()
        self.category.clear()
        for category in categories:  # said in the desk's language, stored as the clinic wrote it
            self.category.addItem(language.say(category), category)
        self.category.setCurrentText(text)

    def fill(self, row: adm.TypeAdminRow | None) -> None:
        self.name.setText(row.name if row else "")
        self.colour.setText(row.colour if row else "#42a5f5")
        self.minutes.setValue(row.minutes if row else 30)
        self.category.setCurrentText(language.say(row.category if row else "treatment"))

    def write(self, session: Any) -> str:
        edit = adm.TypeEdit(
            self.name.text(),
            self.colour.text(),
            self.minutes.value(),
            self._category(),
            id=self.current.id if self.current else None,
        )
        self.saved_id = adm.save_type(session, self.ctx.actor, edit, now=self.ctx.clock.now())
        return self.tr("Appointment type {name} saved").format(name=edit.name.strip())

    def _category(self) -> str:
        """The category as stored: a listed one's own word, else what was typed."""
        text = self.category.currentText()
        index = self.category.findText(text)
        return str(self.category.itemData(index)) if index >= 0 and self.category.itemData(index) else text

    def write_active(self, session: Any, row: adm.TypeAdminRow, active: bool) -> str:
        adm.set_type_active(session, self.ctx.actor, row.id, active, now=self.ctx.clock.now())
        return (self.tr("{name} restored") if active else self.tr("{name} archived")).format(name=row.name)


class StaffTab(EditorTab[adm.StaffAdminRow]):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(
            ctx,
            columns=[
                (self.tr("Username"), lambda r: r.username),
                (self.tr("Name"), lambda r: r.name),
                (self.tr("Role"), lambda r: adm.ROLE_LABELS.get(r.role, r.role)),
                (self.tr("Status"), self._status),
            ],
            stretch=1,
            empty_text=self.tr("No staff users yet: add one with New user."),
            new_text=self.tr("New user"),
            title=self.tr("Staff user"),
        )
        self.show_archived.setText(self.tr("Show deactivated"))
        self.username = QLineEdit()
        self.name = QLineEdit()
        self.role = QComboBox()
        for role, label in adm.role_choices():
            self.role.addItem(label, role)
        self.add_field(
            "username", self.tr("Username"), self.username, describe=self.tr("What the user types to sign in")
        )
        self.add_field("name", self.tr("Name"), self.name, describe=self.tr("The user's full name"))
        self.add_field(
            "role", self.tr("Role"), self.role, describe=self.tr("What the user may see and change")
        )
        self.reset_button = QPushButton(self.tr("Reset password"))
        self.reset_button.setAccessibleDescription(self.tr("Give the selected user a new one-time password"))
        self.reset_button.clicked.connect(self.reset_password)
        self.buttons.insertWidget(1, self.reset_button)
        # A one-time password, shown once (it is not stored) with who it is for.
        self.password_box = QFrame()
        self.password_box.setObjectName("passwordBox")
        self.password_note = QLabel()
        self.password_note.setWordWrap(True)
        self.password_field = QLineEdit()
        self.password_field.setObjectName("oneTimePassword")
        self.password_field.setReadOnly(True)
        copy = QPushButton(self.tr("Copy"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.password_field.text()))
        self.password_field.setAccessibleName(self.tr("One-time password"))
        self.password_field.setAccessibleDescription(self.tr("Shown only once; give it to the user"))
        copy.setAccessibleDescription(self.tr("Copy the one-time password to the clipboard"))
        pw_row = QHBoxLayout()
        pw_row.addWidget(self.password_field, 1)
        pw_row.addWidget(copy)
        pw = QVBoxLayout(self.password_box)
        pw.setContentsMargins(8, 6, 8, 6)
        pw.addWidget(self.password_note)
        pw.addLayout(pw_row)
        self.password_box.setStyleSheet(
            "QFrame#passwordBox { background: #fff4d6; border: 1px solid #f0d58c; border-radius: 6px; }"
        )
        self.password_box.hide()
        self._new_password: tuple[str, str] = ("", "")
        box_layout = self.form_box.layout()
        assert isinstance(box_layout, QVBoxLayout)
        box_layout.insertWidget(1, self.password_box)

    def _status(self, row: adm.StaffAdminRow) -> str:
        if not row.is_active:
            return self.tr("deactivated")
        return self.tr("must change password") if row.must_change_password else ""

    def _update_buttons(self) -> None:
        super()._update_buttons()
        row = self.current
        self.archive_button.setText(
            self.tr("Reactivate") if row is not None and not row.is_active else self.tr("Deactivate")
        )
        self.reset_button.setEnabled(row is not None and row.is_active)
        self.reset_button.setVisible(self.editable)

    def fill(self, row: adm.StaffAdminRow | None) -> None:
        self.username.setText(row.username if row else "")
        self.username.setReadOnly(row is not None)  # the audit trail names users by username
        self.name.setText(row.name if row else "")
        self.role.setCurrentIndex(max(0, self.role.findData(row.role if row else "receptionist")))

    def show_password(self, name: str, password: str) -> None:
        self.password_note.setText(
            self.tr(
                "One-time password for {name}, shown only now: give it to them. "
                "They choose their own at their next sign-in."
            ).format(name=name)
        )
        self.password_field.setText(password)
        self.password_box.show()

    def clear_errors(self) -> None:
        super().clear_errors()
        if hasattr(self, "password_box"):
            self.password_box.hide()
            self.password_field.clear()

    def write(self, session: Any) -> str:
        edit = adm.StaffEdit(
            self.username.text(),
            self.name.text(),
            str(self.role.currentData()),
            id=self.current.id if self.current else None,
        )
        saved = adm.save_staff_user(session, self.ctx.actor, edit, now=self.ctx.clock.now())
        self.saved_id = saved.id
        self._new_password = (edit.name.strip(), saved.one_time_password or "")
        return self.tr("Staff user {name} saved").format(name=edit.username.strip())

    def save(self) -> None:
        self._new_password = ("", "")
        if self._run(self.write) and self._new_password[1]:
            self.show_password(*self._new_password)

    def reset_password(self) -> None:
        row = self.current
        if row is None:
            return
        result: list[str] = []

        def reset(session: Any) -> str:
            result.append(adm.reset_password(session, self.ctx.actor, row.id, now=self.ctx.clock.now()))
            return self.tr("Password of {name} reset").format(name=row.username)

        if self._run(reset):
            self.show_password(row.name, result[0])

    def write_active(self, session: Any, row: adm.StaffAdminRow, active: bool) -> str:
        adm.set_staff_active(session, self.ctx.actor, row.id, active, now=self.ctx.clock.now())
        return (self.tr("{name} reactivated") if active else self.tr("{name} deactivated")).format(
            name=row.username
        )
