"""Small, mobile-friendly HTML pages of the gateway (inline CSS, no scripts, no external assets)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from orca_desk.gateway.family_words import t
from orca_desk.services.phones import format_phone

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f4f6f9;color:#1f2a37}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem 2rem}
header{font-weight:600;color:#2f6fb3;font-size:1.05rem;margin-bottom:1rem}
.card{background:#fff;border:1px solid #dde3ea;border-radius:12px;padding:1.25rem 1.25rem 1.5rem;
box-shadow:0 1px 2px rgba(16,24,40,.04)}
h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 .75rem}
p{margin:.5rem 0}
.icon{font-size:2rem;line-height:1;display:block;margin-bottom:.25rem}
.ok .icon{color:#1b7f4b}.warn .icon{color:#b26a00}.error .icon{color:#b3261e}
button{display:block;width:100%;margin-top:1.25rem;padding:.85rem 1rem;font:inherit;font-weight:600;
color:#fff;background:#2f6fb3;border:0;border-radius:8px;cursor:pointer}
button:active{background:#245a92}
footer{margin-top:1.25rem;color:#6b7785;font-size:.9rem;text-align:center}
a{color:#2f6fb3}
"""

BASE_CSS = _CSS  # the family pages build on the same look

_ICONS = {"ok": "✓", "warn": "!", "error": "✕", "ask": "?"}


@dataclass(frozen=True)
class ClinicContact:
    name: str
    phone: str  # E.164 or as stored
    country: str = "US"  # the clinic's (setup): its numbers are shown as dialled there

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone, self.country)


def _footer(clinic: ClinicContact, lang: str) -> str:
    if not clinic.phone:
        return f"<footer>{escape(clinic.name)}</footer>"
    phone = f'<a href="tel:{escape(clinic.phone, quote=True)}">{escape(clinic.phone_display)}</a>'
    return f"<footer>{t(lang, 'questions', clinic=escape(clinic.name), phone=phone)}</footer>"


def page(
    clinic: ClinicContact,
    *,
    title: str,
    text: str,
    kind: str = "ok",
    button: str | None = None,
    aside: tuple[str, str] | None = None,
    lang: str = "en",
) -> bytes:
    """A page: the clinic's name, an outcome (or a question with one POST button), the phone;
    ``aside``: (href, words) of one more link under it; ``lang``: the language its words are in."""
    form = ""
    if button is not None:
        # An empty action posts back to this very URL; the token in it is the capability.
        form = f'<form method="post" action=""><button type="submit">{escape(button)}</button></form>'
    if aside is not None:
        form += f'<p><a href="{escape(aside[0], quote=True)}">{escape(aside[1])}</a></p>'
    html = f"""<!doctype html>
<html lang="{escape(lang, quote=True)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<title>{escape(title)} · {escape(clinic.name)}</title>
<style>{_CSS}</style></head>
<body><main><header>{escape(clinic.name)}</header>
<div class="card {escape(kind)}"><span class="icon" aria-hidden="true">{_ICONS.get(kind, "")}</span>
<h1>{escape(title)}</h1><p>{escape(text)}</p>{form}</div>
{_footer(clinic, lang)}</main></body></html>
"""
    return html.encode("utf-8")
