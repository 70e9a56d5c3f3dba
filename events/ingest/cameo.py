"""Read the CAMEO codebook (code,label per line, no header) into records."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events.ingest.records import ParseError

_CODE = re.compile(r"^[0-9]{2,4}$")


@dataclass(frozen=True)
class CameoEntry:
    code: str
    label: str

    @property
    def root(self) -> str:
        return self.code[:2]


def parse_cameo(text: str, *, source: str) -> list[CameoEntry]:
    """Parse the codebook. Labels may contain commas and are not quoted, so split on the first one."""
    entries: list[CameoEntry] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, comma, label = line.partition(",")
        code, label = code.strip(), label.strip()
        if not comma or not label:
            raise ParseError(source, number, "expected 'code,label'")
        if not _CODE.match(code):
            raise ParseError(source, number, f"{code!r} is not a CAMEO code (2 to 4 digits)")
        if code in seen:
            raise ParseError(source, number, f"code {code} appears twice")
        if len(code) > 2 and code[:2] not in seen:
            raise ParseError(source, number, f"code {code} comes before its root {code[:2]}")
        seen.add(code)
        entries.append(CameoEntry(code=code, label=label))
    if not entries:
        raise ParseError(source, 1, "the codebook is empty")
    return entries
