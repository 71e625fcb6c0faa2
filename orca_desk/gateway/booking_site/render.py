"""The HTML of /book: mobile-first, labelled, keyboard-friendly, in the clinic's name and colour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from orca_desk.gateway.pages import ClinicContact

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f4f6f9;color:#1f2a37}
.top{background:var(--brand);color:#fff;padding:.8rem 1rem}
.top .in{max-width:40rem;margin:0 auto;display:flex;justify-content:space-between;align-items:center;
gap:1rem}
.top strong{font-size:1.1rem}.top a{color:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem 1rem 2rem}
.card{background:#fff;border:1px solid #d5dce4;border-radius:12px;padding:1.1rem 1.1rem 1.4rem}
h1{font-size:1.4rem;line-height:1.3;margin:.2rem 0 .6rem}
h2{font-size:1.05rem;margin:1.1rem 0 .4rem}
.step{color:#4b5563;font-size:.9rem;margin:0}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
.help{color:#4b5563;font-size:.9rem;margin:.2rem 0 0}
input[type=text],input[type=tel],input[type=email],input[type=date],select{width:100%;font:inherit;
padding:.7rem .75rem;border:1px solid #6b7785;border-radius:8px;background:#fff;color:#1f2a37}
input[aria-invalid=true]{border:2px solid #b3261e}
fieldset{border:0;padding:0;margin:0}legend{font-weight:600;margin:1rem 0 .3rem}
.choice{display:flex;gap:.6rem;align-items:flex-start;font-weight:400;margin:.4rem 0;padding:.6rem .7rem;
border:1px solid #d5dce4;border-radius:8px}
.choice input{width:1.3rem;height:1.3rem;margin:.15rem 0 0;flex:none}
button{display:block;width:100%;margin-top:1.2rem;padding:.85rem 1rem;font:inherit;font-weight:600;
color:#fff;background:var(--brand);border:0;border-radius:8px;cursor:pointer;min-height:48px}
.slots{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.5rem}
.slots button{margin:0;background:#fff;color:var(--brand);border:2px solid var(--brand);font-weight:600}
.slots button small{display:block;font-weight:400;color:#4b5563}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.note{border-radius:8px;padding:.7rem .8rem;margin:.2rem 0 .8rem}
.note.warn{background:#fff4e5;border:1px solid #b26a00}.note.ok{background:#e8f5ee;border:1px solid #1b7f4b}
.note.error{background:#fdecea;border:1px solid #b3261e}
.field-error{color:#b3261e;font-weight:600;margin:.3rem 0 0}
footer{margin-top:1.2rem;color:#4b5563;font-size:.95rem;text-align:center}
a{color:var(--brand)}
@media (min-width:48rem){main{padding-top:2rem}.card{padding:1.5rem 2rem 2rem}}
"""


@dataclass(frozen=True)
class PageContext:
    lang: str
    t: dict[str, str]
    clinic: ClinicContact
    colour: str


def e(text: object) -> str:
    return escape(str(text), quote=True)


def shell(ctx: PageContext, title: str, body: str, *, step: int | None = None) -> bytes:
    other = "en" if ctx.lang == "es" else "es"
    step_line = f'<p class="step">{e(ctx.t["step"].format(n=step))}</p>' if step else ""
    phone = ""
    if ctx.clinic.phone:
        phone = (
            f"{e(ctx.t['call'].format(clinic=ctx.clinic.name))} "
            f'<a href="tel:{e(ctx.clinic.phone)}">{e(ctx.clinic.phone_display)}</a>'
        )
    html = f"""<!doctype html>
<html lang="{ctx.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<title>{e(title)} · {e(ctx.clinic.name)}</title>
<style>:root{{--brand:{e(ctx.colour)}}}{_CSS}</style></head>
<body><header class="top"><div class="in"><strong>{e(ctx.clinic.name)}</strong>
<a href="/book?lang={other}" lang="{other}">{e(ctx.t["lang_other"])}</a></div></header>
<main><div class="card">{step_line}<h1 id="title">{e(title)}</h1>{body}</div>
<footer>{phone}</footer></main></body></html>
"""
    return html.encode("utf-8")


def note(kind: str, text: str) -> str:
    role = ' role="alert"' if kind in ("error", "warn") else ' role="status"'
    return f'<div class="note {kind}"{role}>{e(text)}</div>' if text else ""


def hidden(**values: object) -> str:
    return "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in values.items())


def choose_page(
    ctx: PageContext,
    locations: Sequence[tuple[int, str]],
    types: Sequence[tuple[int, str]],
    *,
    message: str = "",
    chosen: tuple[int | None, int | None] = (None, None),
) -> bytes:
    def radios(name: str, legend: str, items: Sequence[tuple[int, str]], pick: int | None) -> str:
        pick = pick if pick is not None else (items[0][0] if len(items) == 1 else None)
        rows = "".join(
            f'<label class="choice"><input type="radio" name="{name}" value="{i}" required'
            f"{' checked' if i == pick else ''}> {e(label)}</label>"
            for i, label in items
        )
        return f"<fieldset><legend>{e(legend)}</legend>{rows}</fieldset>"

    body = (
        note("error", message)
        + f'<p>{e(ctx.t["intro"])}</p><form method="get" action="/book/times">'
        + radios("location", ctx.t["location"], locations, chosen[0])
        + radios("type", ctx.t["type"], types, chosen[1])
        + hidden(lang=ctx.lang)
        + f'<button type="submit">{e(ctx.t["see_times"])}</button></form>'
    )
    return shell(ctx, ctx.t["title"], body, step=1)


def times_page(
    ctx: PageContext,
    *,
    location: tuple[int, str],
    atype: tuple[int, str],
    days: Sequence[tuple[str, Sequence[tuple[str, str, str]]]],
    message: str = "",
) -> bytes:
    """``days``: (day heading, [(slot key, time, provider)]) in order."""
    t = ctx.t
    intro = f"<p>{e(t['times_intro'].format(type=atype[1], location=location[1]))}</p>"
    if not days:
        listing = f"<p>{e(t['no_times'])}</p>"
    else:
        groups = []
        for n, (heading, slots) in enumerate(days):
            buttons = "".join(
                f'<button type="submit" name="slot" value="{e(key)}" aria-describedby="day{n}">'
                f"{e(time)}<small>{e(t['with'].format(provider=who))}</small></button>"
                for key, time, who in slots
            )
            groups.append(f'<h2 id="day{n}">{e(heading)}</h2><div class="slots">{buttons}</div>')
        listing = (
            '<form method="post" action="/book/hold">'
            + hidden(location=location[0], type=atype[0], lang=ctx.lang)
            + "".join(groups)
            + "</form>"
        )
    back = f'<p><a href="/book?lang={ctx.lang}">{e(t["change"])}</a></p>'
    return shell(ctx, t["times_title"], note("warn", message) + intro + listing + back, step=2)


DETAIL_FIELDS = (
    ("first_name", "text", "given-name", True),
    ("last_name", "text", "family-name", True),
    ("date_of_birth", "date", "bday", True),
    ("guardian_name", "text", "name", False),
    ("phone", "tel", "tel", True),
    ("email", "email", "email", False),
)


def details_page(
    ctx: PageContext,
    *,
    session: str,
    held: str,
    values: dict[str, str],
    error: tuple[str, str] | None = None,
) -> bytes:
    t = ctx.t
    bad_field, bad_text = error if error else ("", "")
    rows = []
    for name, kind, auto, required in DETAIL_FIELDS:
        invalid = name == bad_field
        described = []
        extra = ""
        if name == "phone":
            extra += f'<p class="help" id="phone-help">{e(t["phone_help"])}</p>'
            described.append("phone-help")
        if invalid:
            extra += f'<p class="field-error" id="{name}-error">{e(bad_text)}</p>'
            described.append(f"{name}-error")
        attrs = f' aria-describedby="{" ".join(described)}"' if described else ""
        attrs += ' aria-invalid="true" autofocus' if invalid else ""
        attrs += " required" if required else ""
        rows.append(
            f'<label for="{name}">{e(t[name])}</label>'
            f'<input type="{kind}" id="{name}" name="{name}" autocomplete="{auto}"'
            f' value="{e(values.get(name, ""))}"{attrs}>{extra}'
        )
    checked = " checked" if values.get("sms_consent", "yes") == "yes" else ""
    rows.append(
        f'<label class="choice"><input type="checkbox" name="sms_consent" value="yes"{checked}>'
        f" {e(t['sms_consent'].format(clinic=ctx.clinic.name))}</label>"
    )
    summary = note("error", t["error_in"].format(field=t.get(bad_field, bad_field)) if error else "")
    body = (
        summary
        + note("ok", held)
        + '<form method="post" action="/book/details">'
        + hidden(session=session, lang=ctx.lang)
        + "".join(rows)
        + f'<button type="submit">{e(t["send_code"])}</button></form>'
    )
    return shell(ctx, t["details_title"], body, step=3)


def code_page(ctx: PageContext, *, session: str, phone: str, message: str = "") -> bytes:
    t = ctx.t
    invalid = ' aria-invalid="true" aria-describedby="code-error"' if message else ""
    error = f'<p class="field-error" id="code-error">{e(message)}</p>' if message else ""
    body = (
        f"<p>{e(t['code_intro'].format(phone=phone))}</p>"
        '<form method="post" action="/book/confirm">'
        + hidden(session=session, lang=ctx.lang)
        + f'<label for="code">{e(t["code"])}</label>'
        f'<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code"'
        f' pattern="[0-9 ]*" maxlength="7" required autofocus{invalid}>{error}'
        f'<button type="submit">{e(t["confirm"])}</button></form>'
    )
    return shell(ctx, t["code_title"], body, step=4)


def message_page(ctx: PageContext, title: str, text: str, kind: str = "ok", *, extra: str = "") -> bytes:
    again = f'<p><a href="/book?lang={ctx.lang}">{e(ctx.t["start_again"])}</a></p>' if kind != "ok" else ""
    return shell(ctx, title, note(kind, text) + extra + again)
