"""What an import did or, in a dry run, would do: counts, and each rejected line with its reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    what: str  # "patients" | "appointments"
    source: str
    created: int
    updated: int
    unchanged: int
    skipped: int  # rows the file itself marks as not to import (Open Dental: Deleted, NonPatient)
    rejected: tuple[Rejection, ...]
    warnings: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","
    guardians: int = 0

    def lines(self, *, dry_run: bool) -> list[str]:
        """The report as the CLI and the import wizard show it."""
        verb = "would be" if dry_run else "were"
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}.get(self.delimiter, repr(self.delimiter))
        out = [
            f"{self.source}: {self.encoding}, {delimiter}-separated",
            f"{self.what}: {self.created:,} {verb} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {len(self.rejected):,} rejected"
            + (f", {self.skipped:,} skipped" if self.skipped else ""),
        ]
        if self.guardians:
            out.append(f"responsible parties: {self.guardians:,}")
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"line {r.line}: {r.reason}" for r in self.rejected]
        return out
