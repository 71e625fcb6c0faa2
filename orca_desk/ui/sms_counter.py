"""The SMS counter every template editor shows: characters, GSM-7/UCS-2, segments, a sample rendering."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from orca_desk.services.links.patient_links import public_base_url
from orca_desk.services.messaging import message_templates as mt
from orca_desk.services.messaging.render import (
    GSM7_MULTI,
    GSM7_SINGLE,
    UCS2_MULTI,
    UCS2_SINGLE,
    SegmentInfo,
)
from orca_desk.ui.context import AppContext

OVER_ONE_SEGMENT = "color: #b45309;"  # amber: it still sends, but costs (and splits) more


class SegmentWords(QObject):
    """The summary's words; a QObject because pyside6-lupdate reads plural forms only from tr()."""

    def summary(self, info: SegmentInfo) -> str:
        words = (self.tr("%n character(s)", "", info.characters), self.tr("%n segment(s)", "", info.segments))
        text = " · ".join((words[0], info.encoding, words[1]))
        if info.units != info.characters:
            text += self.tr(" (counts as {units})").format(units=info.units)
        return text


def segment_summary(info: SegmentInfo) -> str:
    """``155 characters · GSM-7 · 1 segment``, with what the characters count as when that differs."""
    return SegmentWords().summary(info)


def segment_help(info: SegmentInfo) -> str:
    """The tooltip: the limits of the encoding in use, and why an extra segment happened."""
    if info.encoding == "GSM-7":
        limits = (
            f"GSM-7: {GSM7_SINGLE} characters in one segment, {GSM7_MULTI} per segment once "
            "split. € [ ] { } ^ ~ \\ | count as two."
        )
    else:
        limits = (
            f"UCS-2 (a character outside GSM-7, such as ’ or an emoji): {UCS2_SINGLE} characters "
            f"in one segment, {UCS2_MULTI} per segment once split."
        )
    return (
        f"{limits} Counted on the sample below, with links as long as the clinic's real ones; "
        "names and dates vary per family."
    )


def clinic_link_address(ctx: AppContext, parent: QWidget | None = None) -> str:
    """The public address the clinic's links use (so sample links have the real length)."""
    found: list[str] = []
    ctx.ops.read(public_base_url, parent=parent, on_done=found.append, background=False)
    return found[0] if found else public_base_url()


class SmsCounter(QWidget):
    """Live count of an SMS template, recomputed as the text changes, and its sample rendering."""

    def __init__(
        self,
        base_url: str | None = None,
        parent: QWidget | None = None,
        *,
        show_sample: bool = True,
        country: str | None = None,
        hour_format: Literal[12, 24] | None = None,
        clinic: mt.SampleClinic = mt.BUILT_IN_CLINIC,
    ) -> None:
        super().__init__(parent)
        self.base_url = base_url
        self.clinic = clinic  # its name, number and place: the sample is as long as its texts
        self.country = country  # the clinic's: the sample visit's date order and usual clock
        self.hour_format = hour_format  # the clock the clinic chose, when it chose one
        self.check: mt.TemplateCheck | None = None
        self.summary = QLabel()
        self.summary.setObjectName("segmentCounter")
        self.sample = QLabel()
        self.sample.setObjectName("smsSample")
        self.sample.setWordWrap(True)
        self.sample.setStyleSheet("QLabel#smsSample { color: palette(dark); }")
        self.sample.setVisible(show_sample)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.sample)
        # As tall as its text, never stretched by a form that has room to spare.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.show_template("")

    def attach(self, edit: QPlainTextEdit) -> None:
        """Follow ``edit``: every change of its text updates the count."""
        edit.textChanged.connect(lambda: self.show_template(edit.toPlainText()))
        self.show_template(edit.toPlainText())

    def show_template(self, body: str) -> mt.TemplateCheck | None:
        if not body.strip():
            self.check = None
            self.summary.setText(self.tr("0 characters · GSM-7 · 0 segments"))
            self.summary.setStyleSheet("")
            self.summary.setToolTip("")
            self.sample.setText("")
            return None
        check = mt.check_template(
            body,
            None,
            "sms",
            base_url=self.base_url,
            language=self.clinic.language,
            country=self.country,
            hour_format=self.hour_format,
            clinic=self.clinic,
        )
        self.check = check
        seg = check.segments
        assert seg is not None
        self.summary.setText(segment_summary(seg))
        self.summary.setToolTip(segment_help(seg))
        self.summary.setStyleSheet(OVER_ONE_SEGMENT if seg.segments > 1 else "")
        self.sample.setText(
            self.tr("Sample: {preview}").format(preview=check.preview)
            if check.preview
            else self.tr("Sample: cannot be shown until the braces are fixed.")
        )
        return check
