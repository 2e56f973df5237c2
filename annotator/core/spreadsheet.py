"""CSV cells a spreadsheet will not run (CSV injection, also called formula injection).

Excel, LibreOffice Calc and Google Sheets read a cell whose first character is `=`, `+`, `-` or `@` (and, in
some versions, a leading tab or carriage return before one) as a formula, so a name or label like
`=cmd|' /C calc'!A0` in an agreement table would run when the CSV is opened. OWASP's CSV Injection advice: no
cell may begin with = + - @ tab (0x09) or CR (0x0D); prepend a single quote, which spreadsheets take as "this is
text". OWASP ASVS 1.2.10 adds the null character. Every CSV annotator writes goes through `write_csv`.
Numbers annotator computed (a negative kappa, -0.25) are written as numbers: only text is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV Injection; ASVS 1.2.10)."""


def neutralise_cell(value: Any) -> Any:
    """`value` with a `'` put before it when it is text starting with one of FORMULA_STARTS; anything else
    (numbers, None, other text) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(stream: TextIO, rows: Iterable[Mapping[str, Any]], fieldnames: Sequence[str]) -> None:
    """Write a header and `rows` (dicts keyed by `fieldnames`) as CSV to `stream`, every text cell (the header
    too) neutralised by `neutralise_cell`."""
    writer = csv.writer(stream)
    writer.writerow([neutralise_cell(name) for name in fieldnames])
    for row in rows:
        writer.writerow([neutralise_cell(row.get(name, "")) for name in fieldnames])
