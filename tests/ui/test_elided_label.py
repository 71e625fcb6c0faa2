"""A label too narrow for its text ends in "…" and still gives the whole text to code and readers."""

from __future__ import annotations


def test_an_elided_label_keeps_its_whole_text_for_a_reader(qtbot):
    from orca_desk.ui.labels import ElidedLabel

    label = ElidedLabel("Standard week for the Northside location · v12 — unsaved changes")
    qtbot.addWidget(label)
    label.resize(120, 30)
    label.show()
    assert label.text().endswith("unsaved changes")  # what the code and the reader get
    assert label.accessibleName() == label.text()
    shown = super(ElidedLabel, label).text()
    assert shown.endswith("…") and len(shown) < len(label.text())
    assert label.toolTip() == label.text()
