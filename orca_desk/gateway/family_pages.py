"""The family pages' HTML: change or cancel a visit, an offer's live state (small, accessible, EN/ES)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from orca_desk.gateway.family_words import (
    day_text,
    left_text,
    long_day_text,
    t,
    time_text,
    when_text,
)
from orca_desk.gateway.pages import BASE_CSS, ClinicContact
from orca_desk.models.clinic import Clinic
from orca_desk.models.clinic_setting import ClinicSetting
from orca_desk.services.availability import Opening
from orca_desk.services.links.reschedule_links import CANCEL_REASONS, Visit, choice_value
from orca_desk.services.waitlist.offer_status import OfferStatus

DEFAULT_ACCENT = "#2f6fb3"
BRAND_COLOUR_KEY = "brand_colour"  # a clinic setting: "#RRGGBB", used when white text on it stays readable
_HEX = re.compile(r"#[0-9a-fA-F]{6}")

_EXTRA_CSS = """
fieldset{border:0;margin:1rem 0 0;padding:0}
legend{font-weight:600;font-size:1.05rem;padding:0;margin-bottom:.25rem}
h2{font-size:.95rem;margin:1rem 0 .4rem;color:#3d4a5a}
.slots{display:flex;flex-wrap:wrap;gap:.5rem}
.slot{display:flex;align-items:center;gap:.4rem;min-height:44px;padding:.45rem .8rem;border:1px solid #b8c3cf;
border-radius:8px;background:#fff;cursor:pointer}
.slot:has(input:checked){border-color:var(--accent);box-shadow:0 0 0 2px var(--accent) inset}
label.field{display:block;font-weight:600;margin:.9rem 0 .3rem}
select,textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #8a96a3;border-radius:8px;
background:#fff;color:#1f2a37}
textarea{min-height:4.5rem}
.secondary{background:#fff;color:#a3261e;border:2px solid #a3261e}
.secondary:active{background:#fbeaea}
.card+.card{margin-top:1rem}
.notice{background:#fff6e5;border:1px solid #e0b15c;border-radius:8px;padding:.6rem .8rem}
.status{font-weight:600;padding:.6rem .8rem;border-radius:8px;background:#e9f5ee;color:#135c36}
.status.closed{background:#fbeaea;color:#8a1f17}
.muted{color:#5b6775;font-size:.9rem}
.lang{float:right;font-size:.9rem;font-weight:400}
a[href^="tel:"]{white-space:nowrap}
:focus-visible{outline:3px solid #1f2a37;outline-offset:2px}
header,a{color:var(--accent)}
button{background:var(--accent)}
"""

# Counts the hold down each second and asks the gateway every 10 s whether the slot is still free.
OFFER_SCRIPT = """(function(){var b=document.getElementById('live');if(!b)return;
var s=parseInt(b.getAttribute('data-seconds'),10),st=document.getElementById('state');
function fmt(x){var m=Math.max(0,Math.ceil(x/60)),h=Math.floor(m/60);m=m%60;
return h?b.getAttribute('data-hours').replace('{h}',h).replace('{m}',(m<10?'0':'')+m)
:b.getAttribute('data-minutes').replace('{n}',m);}
function show(state,text){if(state==='open'){return;}st.textContent=text;st.className='status closed';
var f=document.getElementById('book');if(f){f.hidden=true;}b.setAttribute('data-done','1');b.hidden=true;}
setInterval(function(){if(b.getAttribute('data-done')||isNaN(s))return;s=Math.max(0,s-1);
st.textContent=b.getAttribute('data-open').replace('{left}',fmt(s));},1000);
function poll(){if(b.getAttribute('data-done'))return;fetch(b.getAttribute('data-status'),{cache:'no-store'})
.then(function(r){return r.json();})
.then(function(j){if(j.state==='open'&&j.seconds_left!==null){s=j.seconds_left;}
show(j.state,j.text);}).catch(function(){});}
setInterval(poll,10000);})();"""
OFFER_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(OFFER_SCRIPT.encode()).digest()).decode()


@dataclass(frozen=True)
class Brand:
    name: str
    phone: str
    accent: str = DEFAULT_ACCENT
    language: str = "en"  # the clinic's: a page no family is known for falls back to it
    country: str = "US"  # the clinic's: the order the pages write dates in


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def readable_accent(value: str | None) -> str:
    """The clinic's colour when white text on it has WCAG AA contrast (4.5:1), else the default."""
    if not value or not _HEX.fullmatch(value.strip()):
        return DEFAULT_ACCENT
    colour = value.strip().lower()
    return colour if 1.05 / (_luminance(colour) + 0.05) >= 4.5 else DEFAULT_ACCENT


def load_brand(session: Session) -> Brand:
    clinic = session.scalar(select(Clinic).order_by(Clinic.id).limit(1))
    setting = session.get(ClinicSetting, BRAND_COLOUR_KEY)
    accent = readable_accent(setting.value.strip().strip('"') if setting else None)
    if clinic is None:
        return Brand("Your orthodontist", "", accent)
    return Brand(clinic.name, clinic.phone, accent, clinic.language or "en", (clinic.country or "US").upper())


def _footer(brand: Brand, lang: str, phone: str = "") -> str:
    number = phone or brand.phone
    if not number:
        return f"<footer>{escape(brand.name)}</footer>"
    shown = ClinicContact(brand.name, number).phone_display
    link = f'<a href="tel:{escape(number, quote=True)}">{escape(shown)}</a>'
    return f"<footer>{t(lang, 'questions', clinic=escape(brand.name), phone=link)}</footer>"


def shell(
    brand: Brand,
    lang: str,
    title: str,
    inner: str,
    *,
    head: str = "",
    script: str = "",
    phone: str = "",
    switch: bool = True,
) -> bytes:
    other = "es" if lang == "en" else "en"
    switcher = (
        f'<a class="lang" href="?lang={other}" lang="{other}">{t(lang, "language_switch")}</a>'
        if switch
        else ""
    )
    html = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">{head}
<title>{escape(title)} · {escape(brand.name)}</title>
<style>:root{{--accent:{brand.accent}}}{BASE_CSS}{_EXTRA_CSS}</style></head>
<body><main><header>{escape(brand.name)}{switcher}</header>
{inner}
{_footer(brand, lang, phone)}</main>{f"<script>{script}</script>" if script else ""}</body></html>
"""
    return html.encode("utf-8")


def message_page(
    brand: Brand, lang: str, title: str, text: str, kind: str = "ok", *, phone: str = ""
) -> bytes:
    icon = {"ok": "✓", "warn": "!", "error": "✕"}.get(kind, "")
    inner = (
        f'<div class="card {escape(kind)}" role="status"><span class="icon" aria-hidden="true">{icon}</span>'
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></div>"
    )
    return shell(brand, lang, title, inner, phone=phone)


def _place(visit: Visit) -> str:
    return visit.location + (f", {visit.location_address}" if visit.location_address else "")


def _slot_list(lang: str, openings: Sequence[Opening], visit: Visit, country: str) -> str:
    parts = []
    by_day = groupby(openings, key=lambda o: o.start.astimezone(visit.zone).date())
    for index, (_, group) in enumerate(by_day):
        items = list(group)
        heading_id = f"day{index}"
        heading = long_day_text(items[0].start.astimezone(visit.zone), lang, country)
        parts.append(f'<h2 id="{heading_id}">{escape(heading)}</h2>')
        parts.append(f'<div class="slots" role="group" aria-labelledby="{heading_id}">')
        for o in items:
            local = o.start.astimezone(visit.zone)
            label = f"{day_text(local, lang, country)} {time_text(local, lang, country)}"
            parts.append(
                '<label class="slot"><input type="radio" name="slot" '
                f'value="{escape(choice_value(o), quote=True)}" required '
                f'aria-label="{escape(label, quote=True)}"> {escape(time_text(local, lang, country))}</label>'
            )
        parts.append("</div>")
    return "".join(parts)


def reschedule_page(
    brand: Brand,
    lang: str,
    visit: Visit,
    openings: Sequence[Opening],
    *,
    can_move: bool,
    weeks: int,
    message: str = "",
) -> bytes:
    """The visit, a form to pick a new time (when allowed), and a form to cancel with a reason."""
    name = visit.first_name
    title = t(lang, "change_title", name=name) if name else t(lang, "change_title_anon")
    when = when_text(visit.local_start, lang, brand.country)
    notice = f'<p class="notice" role="alert">{escape(message)}</p>' if message else ""
    if not can_move:
        move = f'<p class="notice">{escape(t(lang, "too_soon"))}</p>'
    elif not openings:
        move = f'<p class="notice">{escape(t(lang, "no_openings", weeks=str(weeks)))}</p>'
    else:
        slots = _slot_list(lang, openings, visit, brand.country)
        move = (
            '<form method="post" action=""><input type="hidden" name="action" value="move">'
            f"<fieldset><legend>{escape(t(lang, 'pick_time'))}</legend>{slots}"
            f'</fieldset><button type="submit">{escape(t(lang, "move_button"))}</button></form>'
        )
    reasons = "".join(
        f'<option value="{r}">{escape(t(lang, "reason_" + r))}</option>' for r in CANCEL_REASONS
    )
    cancel = (
        f'<div class="card"><h1 id="cancel">{escape(t(lang, "cancel_title"))}</h1>'
        '<form method="post" action=""><input type="hidden" name="action" value="cancel">'
        f'<label class="field" for="reason">{escape(t(lang, "reason"))}</label>'
        f'<select id="reason" name="reason" required>{reasons}</select>'
        f'<label class="field" for="note">{escape(t(lang, "note"))}</label>'
        '<textarea id="note" name="note" maxlength="200" autocomplete="off"></textarea>'
        f'<button class="secondary" type="submit">{escape(t(lang, "cancel_button"))}</button></form></div>'
    )
    inner = (
        f'<div class="card ask"><h1>{escape(title)}</h1>'
        f"<p>{escape(t(lang, 'now_booked', when=when))} "
        f"{escape(t(lang, 'at_place', place=_place(visit)))}.</p>"
        f"{notice}{move}</div>{cancel}"
    )
    return shell(brand, lang, title, inner, phone=visit.location_phone)


def offer_status_text(lang: str, status: OfferStatus) -> str:
    if status.state == "open":
        return t(lang, "offer_open", left=left_text(status.seconds_left or 0, lang))
    return t(lang, "offer_" + status.state)


def offer_page(brand: Brand, lang: str, status: OfferStatus, *, status_url: str) -> bytes:
    """The offer: when and where, whether it is still free, the hold left; it refreshes itself."""
    when = when_text(status.local_start, lang, brand.country)
    about = t(
        lang, "offer_for", name=status.first_name, when=when, provider=status.provider, place=status.location
    )
    is_open = status.state == "open"
    state_class = "status" if is_open or status.state == "booked" else "status closed"
    form = (
        '<form id="book" method="post" action="">'
        f'<button type="submit">{escape(t(lang, "offer_button"))}</button></form>'
        if is_open
        else ""
    )
    live = ""
    if is_open:
        live = (
            f'<p id="live" class="muted" data-seconds="{status.seconds_left or 0}"'
            f' data-status="{escape(status_url, quote=True)}"'
            f' data-open="{escape(t(lang, "offer_open", left="{left}"), quote=True)}"'
            f' data-minutes="{escape(t(lang, "minutes", n="{n}"), quote=True)}"'
            f' data-hours="{escape(t(lang, "hours", h="{h}", m="{m}"), quote=True)}">'
            f"{escape(t(lang, 'live'))}</p>"
        )
    inner = (
        f'<div class="card ask"><h1>{escape(t(lang, "offer_title"))}</h1><p>{escape(about)}</p>'
        f'<p id="state" class="{state_class}" role="status" aria-live="polite">'
        f"{escape(offer_status_text(lang, status))}</p>{form}{live}</div>"
    )
    # Without scripts the page reloads itself instead.
    head = '<noscript><meta http-equiv="refresh" content="30"></noscript>' if is_open else ""
    return shell(
        brand, lang, t(lang, "offer_title"), inner, head=head, script=OFFER_SCRIPT if is_open else ""
    )
