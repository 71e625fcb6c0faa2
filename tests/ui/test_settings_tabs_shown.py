"""The settings tabs built on first show (API keys, online booking) are not blank when shown,
on an English and on a Spanish desk (ORCA_DESK_GRAB_DIR=folder keeps the grabs to look at)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from orca_desk.ui import language
from orca_desk.views.settings.settings_screen import SettingsScreen


@pytest.mark.parametrize("code", ["en", "es"])
def test_the_online_booking_tab_shows_its_content(qapp, qtbot, ctx, world, monkeypatch, code):
    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, code)
    try:
        screen = SettingsScreen(ctx)
        qtbot.addWidget(screen)
        screen.resize(1280, 720)
        screen.show()
        qtbot.waitExposed(screen)
        index = next(
            i
            for i in range(screen.tabs.count())
            if screen.tabs.tabText(i) in ("Online booking", "Reservas en línea")
        )
        screen.tabs.setCurrentIndex(index)
        for _ in range(5):
            QApplication.processEvents()
        shown = screen.tabs.currentWidget()
        assert screen.online_booking is not None and shown is not None
        labels = [w for w in shown.findChildren(QLabel) if w.isVisible() and w.text().strip()]
        assert len(labels) >= 3, [w.text() for w in labels]
        image = shown.grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 4  # text and controls, not one flat background
        folder = os.environ.get("ORCA_DESK_GRAB_DIR")
        if folder:
            screen.grab().save(os.path.join(folder, f"online-booking-{code}.png"))
    finally:
        language.install(qapp, "en")
