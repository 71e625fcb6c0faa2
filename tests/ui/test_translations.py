"""The UI is translatable: no widget text outside tr(), a complete Spanish .ts whose .qm is built
from it, the language chosen per desk, and every screen in Spanish without clipped text."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QThreadPool
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabWidget

from orca_desk.ui import language
from orca_desk.ui.dates import LONG, fmt_day

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "orca_desk_es.ts"
EN_TS = TS.with_name("orca_desk_en.ts")  # English: the plural forms only
UI_DIRS = ("orca_desk/views", "orca_desk/ui")
TRANSLATED = (*UI_DIRS, "orca_desk/app.py")  # what `python3 dev.py i18n` reads

# Calls whose text arguments (by position) the user reads; keywords below wherever they appear.
_CALLS = """
0: setText setWindowTitle setToolTip setPlaceholderText setStatusTip setWhatsThis setTitle setSubTitle
0: setLabelText setInformativeText setDetailedText setSpecialValueText setSuffix setPrefix showMessage
0: setHorizontalHeaderLabels setVerticalHeaderLabels setHeaderLabels addItem addItems addAction addMenu
0: addRow addButton QLabel QCheckBox QRadioButton QGroupBox QMenu QToolBar QBarSet Column hint
0: section_title _act _offer _hint _title _refused emit _scope_action ValidationError
0: QListWidgetItem QTableWidgetItem QStandardItem
1: setTabText setTabToolTip addTab insertItem setButtonText add createUndoAction createRedoAction _write
1: empty_state getOpenFileName getSaveFileName getExistingDirectory
2: insertTab analytics_page
0 1: QAction QPushButton QProgressDialog QCommandLinkButton confirm
0 2: _button
1 2: warning information question critical about getText getInt
1 2 3: getItem
"""


def _text_args(table: str) -> dict[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for line in table.strip().splitlines():
        positions, names = line.split(":")
        found.update(dict.fromkeys(names.split(), tuple(int(p) for p in positions.split())))
    return found


TEXT_ARGS = _text_args(_CALLS)
TEXT_KEYWORDS = {
    "text",
    "title",
    "toolTip",
    "placeholderText",
    "windowTitle",
    "label",
    "empty",
    "tip",
    "done",
}
WORDS = re.compile(r"[A-Za-z]{2,}")
KEY = re.compile(r"[a-z_][a-z0-9_.-]*")  # an identifier-like key ("calendar", "retry"), not text


MARKUP = re.compile(r"<[^>]*>|&\w+;")  # tags and entities: "<span style='color:#b3261e'>✗</span>"


def _is_text(value: str) -> bool:
    words = WORDS.search(MARKUP.sub("", value))
    return bool(words) and not value.startswith(("#", ":/")) and not KEY.fullmatch(value)


def _untranslated(node: ast.expr) -> bool:
    """A literal with words (or an f-string, list, choice or sum holding one) not inside tr()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _is_text(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and _is_text(str(v.value)) for v in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_untranslated(e) for e in node.elts)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_untranslated(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) or (not isinstance(node.op, ast.Mod) and _untranslated(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _untranslated(node.func.value)
    return False


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _english_positions(node: ast.expr) -> set[int] | None:
    """For a literal list/tuple/set/dict holding English text (not inside tr()): which positions of
    its items hold it (-1: the items themselves; a dict: its values). None: no English in it."""
    items = list(node.values) if isinstance(node, ast.Dict) else getattr(node, "elts", None)
    if not isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict) or items is None:
        return None
    found: set[int] = set()
    for item in items:
        if isinstance(item, ast.Tuple | ast.List):
            found |= {i for i, e in enumerate(item.elts) if _untranslated(e)}
        elif _untranslated(item):
            found.add(-1)
    return found or None


class _TextNames(ast.NodeVisitor):
    """Names holding English display text: bound to a literal list, tuple or dict of it (a module
    constant or a local), or looping over one. They must not reach a widget text without tr()."""

    def __init__(self) -> None:
        self.containers: dict[str, set[int]] = {}
        self.texts: set[str] = set()

    def visit_Assign(self, node: ast.Assign) -> None:
        positions = _english_positions(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and positions is not None:
                self.containers[target.id] = positions
            elif isinstance(target, ast.Name) and _untranslated(node.value):
                self.texts.add(target.id)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        source = node.iter
        if isinstance(source, ast.Call) and _name(source.func) in {"items", "values"}:
            source = source.func.value  # type: ignore[attr-defined]
        positions = (
            self.containers.get(source.id) if isinstance(source, ast.Name) else _english_positions(source)
        )
        target = node.target
        if positions is not None and isinstance(node.iter, ast.Call) and _name(node.iter.func) == "items":
            positions = {1} if isinstance(target, ast.Tuple) else set()
        if positions:
            if isinstance(target, ast.Name) and -1 in positions:
                self.texts.add(target.id)
            elif isinstance(target, ast.Tuple):
                self.texts |= {
                    e.id for i, e in enumerate(target.elts) if i in positions and isinstance(e, ast.Name)
                }
        self.generic_visit(node)


def _reaches_text(node: ast.expr, names: _TextNames) -> bool:
    """``node`` is English text without tr(): a literal, a name holding one, or a look-up in one."""
    if _untranslated(node):
        return True
    if isinstance(node, ast.Name):
        return node.id in names.texts
    if isinstance(node, ast.Subscript):  # KINDS[key], self.HEADERS[section]
        return _name(node.value) in names.containers
    if isinstance(node, ast.Call) and _name(node.func) == "get" and isinstance(node.func, ast.Attribute):
        return _name(node.func.value) in names.containers
    if isinstance(node, ast.Call) and _name(node.func) in {"str", "capitalize", "title", "upper"}:
        inner = node.args[0] if node.args else getattr(node.func, "value", None)
        return isinstance(inner, ast.expr) and _reaches_text(inner, names)
    return False


# Where a model gives the text a cell or a tooltip shows: (header, cell[, tooltip]) columns, these
# keywords of a model, and what data()/headerData() return.
_CELL_KEYWORDS = {"tooltip", "text", "display", "cell_tooltip"}
_MODEL_METHODS = {"data", "headerData"}


def _cells(node: ast.AST) -> list[ast.expr]:
    """The lambdas' bodies (and data()'s returns) that give what a model shows."""
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2 and isinstance(node.elts[1], ast.Lambda):
        return [e.body for e in node.elts[1:] if isinstance(e, ast.Lambda)]
    if isinstance(node, ast.Call) and _name(node.func) == "Column":
        return [a.body for a in node.args[1:] if isinstance(a, ast.Lambda)]
    if isinstance(node, ast.keyword) and node.arg in _CELL_KEYWORDS and isinstance(node.value, ast.Lambda):
        return [node.value.body]
    if isinstance(node, ast.FunctionDef) and node.name in _MODEL_METHODS:
        return [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None]
    return []


def _wrappers(tree: ast.AST) -> set[str]:
    """Functions that hand their argument to translate(): lupdate reads literals only inside
    tr()/translate()/QT_TRANSLATE_NOOP, so a literal given to one of these never reaches the .ts."""
    return {
        f.name
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        for c in ast.walk(f)
        if isinstance(c, ast.Call)
        and _name(c.func) in {"translate", "tr"}
        and any(isinstance(a, ast.Name) for a in c.args)
    }


def untranslated_texts(source: str) -> list[str]:
    tree = ast.parse(source)
    names = _TextNames()
    names.visit(tree)
    wrappers = _wrappers(tree)
    found = [
        f"{node.lineno}: {_name(node.func)}({ast.unparse(node.args[0])[:60]}) is not read by lupdate"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) in wrappers
        and node.args
        and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
    ]
    for node in ast.walk(tree):
        column = isinstance(node, ast.Tuple) and len(node.elts) >= 2 and isinstance(node.elts[1], ast.Lambda)
        if column and _untranslated(node.elts[0]):  # a (header, cell) column of a RowsModel
            found.append(f"{node.lineno}: column {ast.unparse(node.elts[0])[:60]}")
        found += [f"{c.lineno}: cell {ast.unparse(c)[:60]}" for c in _cells(node) if _reaches_text(c, names)]
        if not isinstance(node, ast.Call):
            continue
        positions = TEXT_ARGS.get(_name(node.func), ())
        args = [a for i, a in enumerate(node.args) if i in positions]
        args += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        found += [
            f"{node.lineno}: {_name(node.func)}({ast.unparse(a)[:60]})"
            for a in args
            if _reaches_text(a, names)
        ]
    return found


def test_the_check_finds_untranslated_texts():
    source = """
def build(self, n):
    QLabel("Patient")
    self.button.setText(f"Book {n} visits")
    box.addItem("Any provider" if n else self.tr("None"))
    QMessageBox.warning(self, "Not saved", message)
    RowsModel([("Name", lambda r: r.name)])
    QLabel(self.tr("Patient"))
    self.button.setText(self.tr("Book {n} visits").format(n=n))
    self.setObjectName("calendar")
    ops.write(work, title=QCoreApplication.translate("Ops", "Not saved"))
"""
    assert [f.split(":")[0] for f in untranslated_texts(source)] == ["3", "4", "5", "6", "7"]


def test_the_check_finds_english_held_in_names_and_shown_by_models():
    source = """
KINDS = [("Time off", "time_off"), ("Holiday", "holiday")]
SECRETS = {"token": "Twilio auth token"}
NOOP = [(QT_TRANSLATE_NOOP("Forms", "Sand"), "#c9b8a6")]
def build(self, key):
    for label, kind in KINDS:
        combo.addItem(label, kind)
    for kind in ("Vacation", "Sick"):
        combo.addItem(kind, kind.lower())
    label.setText(SECRETS[key])
    label.setText(SECRETS.get(key, ""))
    RowsModel([(self.tr("Channel"), lambda r: "SMS" if r.sms else "Email")])
    RowsListModel(text, tooltip=lambda r: f"{r.address} · needs review")
    for label, colour in NOOP:
        combo.addItem(QCoreApplication.translate("Forms", label), colour)
    for kind in ("vacation", "sick"):
        combo.addItem(self.tr(kind.capitalize()), kind)
    for label, kind in KINDS:
        combo.addItem(QCoreApplication.translate("Forms", label), kind)
class Model:
    def data(self, index, role):
        return f"{row.kind} template · v{row.version}"
def _tr(text):
    return QCoreApplication.translate("Model", text)
label.setText(_tr("Not read by lupdate"))
"""
    found = sorted(int(f.split(":")[0]) for f in untranslated_texts(source))
    assert found == [7, 9, 10, 11, 12, 13, 22, 25]


def test_every_widget_text_goes_through_tr():
    problems = [
        f"{path.relative_to(ROOT)}:{finding}"
        for folder in UI_DIRS
        for path in sorted((ROOT / folder).rglob("*.py"))
        for finding in untranslated_texts(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "texts shown without tr()/translate():\n" + "\n".join(problems)


def _messages(ts: Path) -> list[ET.Element]:
    return list(ET.parse(ts).getroot().iter("message"))


PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\d|%n|&lt;|<[a-z/][^>]*>")


def test_the_spanish_translation_is_complete():
    messages = _messages(TS)
    assert len(messages) > 1000
    problems = []
    for m in messages:
        source = m.findtext("source") or ""
        translation = m.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if translation.get("type") in {"unfinished", "obsolete", "vanished"} or not all(forms):
            problems.append(f"not translated: {source!r}")
        for form in forms:  # the same placeholders, so .format() and %n fill the Spanish as well
            if sorted(set(PLACEHOLDER.findall(form)) - {"%n"}) != sorted(
                set(PLACEHOLDER.findall(source)) - {"%n"}
            ):
                problems.append(f"placeholders differ: {source!r} → {form!r}")
    assert problems == []


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.parametrize("ts", [TS, EN_TS], ids=["es", "en plurals"])
def test_the_ts_holds_every_string_of_the_sources(tmp_path, ts):
    """What `python3 dev.py i18n` would add: nothing, so no new string is left untranslated."""
    fresh = tmp_path / "fresh.ts"
    shutil.copy(ts, fresh)
    sources = [str(p) for f in TRANSLATED for p in sorted((ROOT / f).rglob("*.py")) or [ROOT / f]]
    plural = ["-pluralonly"] if ts == EN_TS else []
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *plural,
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )

    def keys(ts: Path) -> set[tuple[str, str]]:
        root = ET.parse(ts).getroot()
        return {
            (c.findtext("name") or "", m.findtext("source") or "") for c in root for m in c.iter("message")
        }

    assert sorted(keys(fresh) - keys(ts)) == []
    assert sorted(keys(ts) - keys(fresh)) == []  # nothing obsolete is kept


@pytest.mark.parametrize("ts", [TS, EN_TS], ids=["es", "en plurals"])
def test_the_committed_qm_is_built_from_the_ts(tmp_path, ts):
    built = tmp_path / "built.qm"
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(built)], check=True)
    assert built.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
        "run `python3 dev.py i18n`, commit the .qm"
    )


def test_english_plurals_read_as_english(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, "en")
    assert [QCoreApplication.translate("CallListScreen", "%n family(s)", "", n) for n in (1, 3)] == [
        "1 family",
        "3 families",
    ]
    assert all(m.find("translation").get("type") is None for m in _messages(EN_TS))  # type: ignore[union-attr]


@pytest.fixture
def spanish(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    assert language.install(qapp, "es") == "es"
    yield
    language.install(qapp, "en")


def test_the_language_follows_the_option_the_environment_then_the_desk(qapp, monkeypatch):
    monkeypatch.delenv(language.ENV, raising=False)
    language.save_choice("es")
    assert language.effective_language() == "es"
    monkeypatch.setenv(language.ENV, "en_US")
    assert language.effective_language() == "en"
    assert language.effective_language("es-MX") == "es"
    assert language.effective_language("fr") == "en"  # no French translation: English
    language.save_choice("klingon")
    assert language.saved_choice() == ""


def test_spanish_translates_the_screens_and_dates(spanish):
    from datetime import date

    assert QCoreApplication.translate("Navigation", "Waitlist") == "Lista de espera"
    assert QLocale().language() == QLocale.Language.Spanish
    assert fmt_day(date(2026, 12, 3), LONG) == "jueves 3 de diciembre de 2026"


def test_english_dates_come_from_qlocale_too(qapp, monkeypatch):
    from datetime import date

    monkeypatch.delenv(language.ENV, raising=False)
    language.install(qapp, "en")
    assert fmt_day(date(2026, 12, 3), LONG) == "Thursday, December 3, 2026"


def test_the_settings_box_saves_the_desk_s_language(qtbot, monkeypatch):
    from orca_desk.views.settings.language_box import LanguageBox

    box = LanguageBox()
    qtbot.addWidget(box)
    assert box.combo.currentData() == ""  # the system's, until chosen
    box.combo.setCurrentIndex(box.combo.findData("es"))
    assert language.saved_choice() == "es"
    assert "started again" in box.note.text()


def _clipped(widget: QLabel | QAbstractButton) -> bool:
    if not widget.isVisible() or not widget.text() or widget.width() <= 1:
        return False
    if isinstance(widget, QLabel) and widget.wordWrap():
        return widget.height() + 2 < widget.heightForWidth(widget.width())
    return widget.width() + 2 < widget.sizeHint().width()


def settle(window) -> None:  # type: ignore[no-untyped-def]
    """Background loads done and the layouts their texts changed laid out again."""
    window.ctx.ops.wait(5_000)
    QThreadPool.globalInstance().waitForDone(5_000)
    for _ in range(3):
        QApplication.processEvents()


def test_every_screen_in_spanish_shows_its_texts_whole(spanish, qtbot, ctx):
    from orca_desk.app import default_screens
    from orca_desk.ui.main_window import MainWindow

    window = MainWindow(ctx, default_screens(), database_label="test")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    assert window.nav.item(0).text() == "Calendario"
    clipped = []
    for spec in window.specs:
        screen = window.show_screen(spec.key)
        tabs = screen.findChildren(QTabWidget)
        for tab_widget, index in [(t, i) for t in tabs for i in range(t.count())] or [(None, 0)]:
            if tab_widget is not None:
                tab_widget.setCurrentIndex(index)
            settle(window)
            if (window.width(), window.height()) != (1280, 720):  # Spanish made the screen wider
                where = tab_widget.tabText(index) if tab_widget is not None else ""
                clipped.append(f"{spec.key} {where}: the window grew to {window.width()}×{window.height()}")
                window.resize(1280, 720)
                settle(window)
            for w in [*window.findChildren(QLabel), *window.findChildren(QAbstractButton)]:
                if _clipped(w):
                    clipped.append(
                        f"{spec.key}: {type(w).__name__} {w.text()[:50]!r} {w.width()}<{w.sizeHint().width()}"
                    )
    assert sorted(set(clipped)) == [], "\n".join(sorted(set(clipped)))
