"""The desk's UI language: chosen per desk in Settings (or by ORCA_DESK_LANGUAGE / --language),
defaulting to the system's, and installed as Qt translators plus the default QLocale at start-up."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from orca_desk.paths import resources_dir
from orca_desk.services import phrasebook
from orca_desk.services.messaging import message_locale

SETTINGS_KEY = "ui/language"  # per desk (QSettings): "" follows the system
ENV = "ORCA_DESK_LANGUAGE"
SHIPPED = ("en", "es")  # English is the source language: its .qm holds only the plural forms
NAMES = {"en": "English", "es": "Español"}  # each in its own language, as a language menu shows them
_installed: list[QTranslator] = []
_current = "en"


def saved_choice() -> str:
    """The language chosen in Settings on this desk: "" (the system's), "en" or "es"."""
    value = str(QSettings().value(SETTINGS_KEY, "") or "")
    return value if value in SHIPPED else ""


def save_choice(code: str) -> None:
    QSettings().setValue(SETTINGS_KEY, code if code in SHIPPED else "")


def effective_language(override: str | None = None) -> str:
    """--language, then ORCA_DESK_LANGUAGE, then the desk's choice, then the system's language;
    a language without a translation falls back to English."""
    for candidate in (override, os.environ.get(ENV), saved_choice()):
        if candidate:
            code = candidate.strip().lower().replace("-", "_").split("_")[0]
            return code if code in SHIPPED else "en"
    system = QLocale.system().name().split("_")[0]
    return system if system in SHIPPED else "en"


def qm_path(code: str) -> str:
    return str(resources_dir() / "i18n" / f"orca_desk_{code}.qm")


def install(app: QCoreApplication, override: str | None = None) -> str:
    """Loads the translations of the effective language (ours and Qt's own, for standard buttons)
    and makes its locale the default, so dates and numbers the UI formats follow it."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    global _current
    code = _current = effective_language(override)
    system = QLocale.system()
    if system.name().split("_")[0] == code:
        QLocale.setDefault(system)  # keeps the system's country: es_MX dates stay Mexican
    elif code == "es":
        QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.UnitedStates))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    # English dates the services write for staff follow the same country's order as the screens'
    # (en_US month first, en_GB day first); Spanish keeps CLDR's plain "es" forms ("mié, 2 dic 2026").
    country = QLocale().name().partition("_")[2] if code == "en" else ""
    message_locale.set_staff_language(code, country or None)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_own = [] if code == "en" else [(f"qtbase_{code}", qt_dir)]
    for path, folder in [(qm_path(code), ""), *qt_own]:
        translator = QTranslator(app)
        if translator.load(path, folder) and app.installTranslator(translator):
            _installed.append(translator)
    return code


def current() -> str:
    """The language installed on this desk ("en" until ``install`` runs)."""
    return _current


def say(message: str, context: str | None = None) -> str:
    """A service's English text (a refusal, a status word) in the desk's language; ``context``
    ("message", "stage", "role", …) picks a word's form for what it describes."""
    return phrasebook.say(message, _current, context)


def signed_in_name(display_name: str, role: str) -> str:
    """A user's name as the desk shows it: a stored "Dana Brooks (manager)" says its role in the
    desk's language ("Dana Brooks (gerente)"); the stored name stays as it is."""
    suffix = f" ({role})"
    if role and display_name.endswith(suffix):
        return f"{display_name[: -len(suffix)]} ({say(role, 'role')})"
    return display_name


def language_name(code: str) -> str:
    """A message language's name as this desk says it: "Inglés" on a Spanish desk (CLDR's), each
    language's own name ("English", "Español") on an English one."""
    if _current == "en":
        return message_locale.LANGUAGE_NAMES.get(code, code)
    try:
        name = str(message_locale.babel_locale(code).get_display_name(_current) or code)
    except ValueError:
        return code
    return name[:1].upper() + name[1:]


def patient_language_name(code: str) -> str:
    """A patient's language as this desk names it, in the desk's language (CLDR's): "Spanish" on
    an English desk, "Español" on a Spanish one; the code itself when CLDR does not know it."""
    return message_locale.language_display_name(code, _current)
