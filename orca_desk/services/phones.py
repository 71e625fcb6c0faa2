"""Phone numbers as the desk dials them: national in the clinic's country, else international."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


def dialled(number: str | None, country: str | None) -> str:
    """A number as dialled in ``country`` ("" when there is none): the clinic's in what it sends
    its families, a family's in the script staff read before calling."""
    return format_phone(number, country or "US") if number else ""


def address_as_dialled(channel: str, address: str, country: str | None) -> str:
    """A message's address as the desk reads it: a text's number as dialled in ``country``, an
    email address as it is."""
    return format_phone(address, country or "US") if channel == "sms" and address else address


@lru_cache(maxsize=4096)  # lists format the same few hundred numbers on every load
def format_phone(number: str, country: str) -> str:
    """A phone number as the desk dials it: national format in the clinic's country, else international."""
    try:
        parsed = phonenumbers.parse(number, country or "US")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    # By calling code, not region: a Guernsey mobile (+44 7911) is dialled from London as 07911.
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == phonenumbers.country_code_for_region((country or "US").upper())
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


@lru_cache(maxsize=64)
def example_phone(country: str | None, *, in_full: bool = False) -> str:
    """A made-up number of ``country`` (phonenumbers' example line) for an empty phone field: as
    dialled there ("0121 234 5678" in GB), or ``in_full`` as stored ("+441212345678")."""
    region = (country or "US").upper()
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE)
    if example is None:  # a region phonenumbers has no example for
        example = phonenumbers.example_number_for_type("US", phonenumbers.PhoneNumberType.FIXED_LINE)
    assert example is not None
    fmt = phonenumbers.PhoneNumberFormat.E164 if in_full else phonenumbers.PhoneNumberFormat.NATIONAL
    return phonenumbers.format_number(example, fmt)
