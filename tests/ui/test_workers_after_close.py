"""A background load that finishes after its screen was deleted is dropped quietly."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from orca_desk.ui.workers import BackgroundLoader


def test_a_result_arriving_after_the_loader_was_deleted_is_dropped(qapp):
    owner = QObject()
    loader = BackgroundLoader(owner)
    release = threading.Event()
    loader.start(lambda: release.wait(5) and 42)
    owner.deleteLater()  # the screen is closed while its load runs
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    loader._pool.waitForDone(5000)
    qapp.processEvents()  # the result is delivered to nobody: no "Signal source has been deleted"
    qapp.processEvents()
