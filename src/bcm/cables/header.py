"""The ACP-127 header: format lines FL1-FL9 (reference §2), tolerant of missing lines.

``HeaderReader`` is fed one line at a time and says whether the line belonged to the header;
the caller decides where the telegram text starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bcm.cables.fields import parse_addressee, routed_addressee
from bcm.cables.model import PRECEDENCE_WORDS, Addressee, Header
from bcm.cables.posts import century_year

FL1 = re.compile(r"^VZCZC[A-Z0-9]{3,}$")
FL2 = re.compile(r"^(ZZ|OO|PP|RR|YY)((?:\s+R[A-Z0-9]{3,7})*)$")
FL2_MORE = re.compile(r"^R[A-Z0-9]{3,7}(?:\s+R[A-Z0-9]{3,7})*$")
FL3 = re.compile(r"^DE\s+(R[A-Z0-9]{3,7})\s+#?(\d{1,5})(?:/(\d{1,3}))?\s+(\d{7})\b\s*(.*)$")
FL4 = re.compile(r"^ZN[RY]\s+([UCSTR])\1{2,5}\b")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
FL5 = re.compile(
    r"^([ZOPRY])(?:\s+([ZOPRY]))?\s+(\d{2})(\d{2})(\d{2})Z\s+"
    rf"({'|'.join(_MONTHS)})\s+(\d{{2}})\b\s*(.*)$",
    re.IGNORECASE,
)
FM = re.compile(r"^FM\s+(.+)$")
# "Partial extract" records of 2000-2004 carry a date line instead of FL5.
DATE_LINE = re.compile(
    r"^(?:MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY),\s+(\d{1,2})\s+"
    r"(JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)"
    r"\s+(\d{4}),\s+(\d{1,2}):(\d{2})$",
    re.IGNORECASE,
)
ROUTED_ADDRESS = re.compile(r"R[A-Z0-9]{3,7}/[A-Z]")  # RUEHBJ/AMEMBASSY BEIJING
LIST_START = re.compile(r"^(TO|INFO|XMT)(?:\s+|/|$)(.*)$")
PAGE_HEADER = re.compile(r"^\s*PAGE\s+\d{2}\s")
_DIGITS = tuple("0123456789")
# Where a line that only the header can take may start: the format lines FL1-FL6 and the
# first line of an addressee list (see ``take_header_line``).
_HEADER_ONLY = re.compile(
    r"VZCZC|DE\s|ZN[RY]\s|FM\s|[ZOPRYzopry]\s|(?:ZZ|OO|PP|RR|YY)(?:\s|$)|(?:TO|INFO|XMT)(?:\s|/|$)"
)


@dataclass(slots=True)
class HeaderReader:
    """Accumulates header lines; ``feed`` returns False for a line that is not header."""

    warnings: list[str] = field(default_factory=list)
    # The Header's fields, built once at the end (a frozen Header per line read is costly).
    transmission_id: str | None = None
    prosign: str | None = None
    routing_indicators: tuple[str, ...] = ()
    station: str | None = None
    station_serial: str | None = None
    section: str | None = None
    filed: str | None = None
    security_warning: str | None = None
    seen_format_line: bool = False
    precedence: str | None = None
    info_precedence: str | None = None
    when: datetime | None = None
    sender: str | None = None
    to: list[Addressee] = field(default_factory=list)
    info: list[Addressee] = field(default_factory=list)
    _list: str | None = None  # "TO", "INFO" or "XMT" while reading addressees
    _last_target: list[Addressee] | None = None
    _last_fl: str = ""

    def header(self) -> Header | None:
        """The format lines FL1-FL4 read, None when there were none (every value read is a
        non-empty string)."""
        found = (
            self.transmission_id,
            self.prosign,
            self.station,
            self.station_serial,
            self.section,
            self.filed,
            self.security_warning,
        )
        if not self.routing_indicators and all(value is None for value in found):
            return None
        return Header(
            transmission_id=self.transmission_id,
            prosign=self.prosign,
            routing_indicators=self.routing_indicators,
            station=self.station,
            station_serial=self.station_serial,
            section=self.section,
            filed=self.filed,
            security_warning=self.security_warning,
        )

    @property
    def started(self) -> bool:
        return self.seen_format_line

    @property
    def in_list(self) -> bool:
        """Whether TO/INFO addressees are being read."""
        return self._list in ("TO", "INFO")

    def feed(self, line: str, number: int) -> bool:
        """Consume one stripped line; False when it is not part of the header."""
        if not line:
            self._list = None if self._list == "XMT" else self._list
            return self.seen_format_line
        reader = self._reader(line)
        if reader is not None and reader(line, number):
            self._list = None
            self.seen_format_line = True
            return True
        return self._addressees(line)

    def take_header_line(self, line: str, number: int) -> bool:
        """Read a non-blank stripped line as ``feed`` would when it is a format line or opens
        an addressee list and holds no colon; False, having read nothing, for any other line.

        No such line is a classification line, a field label, a caption line or a paragraph
        start (each format line is told by its first letters and digits, and a colon starts
        any inline label), so the parser may offer it here before its own tests.
        """
        if ":" in line or not _HEADER_ONLY.match(line):
            return False
        if line.startswith(("TO", "INFO", "XMT")):
            return self._addressees(line)  # (``_reader`` has nothing for these lines)
        reader = self._reader(line)
        if reader is None or not reader(line, number):
            return False
        self._list = None
        self.seen_format_line = True
        return True

    def _reader(self, line: str) -> Callable[[str, int], bool] | None:
        """The format-line reader the line's first characters point to (cheap dispatch)."""
        if line.startswith("VZCZC"):
            return self._fl1
        if line.startswith("DE "):
            return self._fl3
        if line.startswith("ZN"):
            return self._fl4
        if line.startswith("FM "):
            return self._fm
        if line[:1] in "ZOPRYzopry" and line[1:2] == " ":
            return self._fl5
        if line.endswith(_DIGITS) and "," in line[:10]:
            return self._date_line
        if line[:2] in ("ZZ", "OO", "PP", "RR", "YY") or (
            self._last_fl == "FL2" and line.startswith("R")
        ):
            return self._fl2
        return None

    def _fl1(self, line: str, _number: int) -> bool:
        if not FL1.match(line):
            return False
        self.transmission_id = line
        self._last_fl = "FL1"
        return True

    def _fl2(self, line: str, _number: int) -> bool:
        if match := FL2.match(line):
            self.prosign, self.routing_indicators = match[1], tuple(match[2].split())
            self._last_fl = "FL2"
            return True
        if self._last_fl == "FL2" and FL2_MORE.match(line):
            self.routing_indicators += tuple(line.split())
            return True
        return False

    def _fl3(self, line: str, number: int) -> bool:
        match = FL3.match(line)
        if match is None:
            return False
        self.station, self.station_serial, self.section, self.filed, rest = match.groups()
        if rest:
            self.warnings.append(f"line {number}: FL3 trailing text ignored: {rest!r}")
        self._last_fl = "FL3"
        return True

    def _fl4(self, line: str, _number: int) -> bool:
        if not FL4.match(line):
            return False
        self.security_warning = line
        self._last_fl = "FL4"
        return True

    def _fl5(self, line: str, number: int) -> bool:
        match = FL5.match(line)
        if match is None:
            return False
        first, second, day, hour, minute, month, year, rest = match.groups()
        self.precedence = PRECEDENCE_WORDS.get(first.upper())
        self.info_precedence = PRECEDENCE_WORDS.get(second.upper()) if second else None
        try:
            self.when = datetime(
                century_year(int(year)),
                _MONTHS.index(month.upper()) + 1,
                int(day),
                int(hour),
                int(minute),
                tzinfo=UTC,
            )
        except ValueError:
            self.warnings.append(f"line {number}: date-time group is not a valid date")
        if rest:
            self.warnings.append(f"line {number}: operating signals after the DTG ignored")
        self._last_fl = "FL5"
        return True

    def _date_line(self, line: str, number: int) -> bool:
        match = DATE_LINE.match(line)
        if match is None:
            return False
        day, month, year, hour, minute = match.groups()
        try:
            self.when = datetime(
                int(year),
                _MONTHS.index(month[:3].upper()) + 1,
                int(day),
                int(hour),
                int(minute),
                tzinfo=UTC,
            )
        except ValueError:
            self.warnings.append(f"line {number}: date line is not a valid date")
        self._last_fl = "FL5"
        return True

    def _fm(self, line: str, _number: int) -> bool:
        match = FM.match(line)
        if match is None:
            return False
        self.sender = " ".join(match[1].split())
        self._last_fl = "FL6"
        return True

    def _addressees(self, line: str) -> bool:
        start = LIST_START.match(line) if line.startswith(("TO", "INFO", "XMT")) else None
        if start is not None:
            self._list, line = start[1], start[2].lstrip("/ ")
            self.seen_format_line = True
            if (again := LIST_START.match(line)) and again[1] == "XMT":
                self._list, line = "XMT", again[2].lstrip("/ ")
        elif self._list is None:
            return False
        if not line or ("PAGE" in line and PAGE_HEADER.match(" " + line)):
            return True  # "TO PAGE 02  STATE 023763 071504Z": a paper page header
        if self._list == "XMT":
            self._exclude(line)
            return True
        addressee = parse_addressee(line)
        if addressee is not None:
            self._last_target = self.to if self._list == "TO" else self.info
            self._last_target.append(addressee)
        return True

    def add_addressees(self, lines: list[str], index: int) -> int:
        """Read the ``RI/PLAD …`` lines of the current TO or INFO list from ``lines[index]`` on
        (the caller checked the list is open); the index of the first line that is not one."""
        target = self.to if self._list == "TO" else self.info
        routed, end, add, added = ROUTED_ADDRESS.match, len(lines), target.append, False
        while index < end and (match := routed(line := lines[index])):
            slash = match.end() - 2
            if "  " in line or "\t" in line or line[-1:].isspace():
                addressee = parse_addressee(line)
            else:  # what parse_addressee reads, its routing indicator found already
                addressee = routed_addressee(line[:slash], line[slash + 1 :])
            if addressee is not None:
                add(addressee)
                added = True
            index += 1
        if added:
            self._last_target = target
        return index

    def _exclude(self, address: str) -> None:
        target = self._last_target
        address = " ".join(address.split())
        if not target:
            return  # "INFO XMT FOOBAR": nothing to exclude from
        last = target[-1]
        target[-1] = replace(last, excluded=(*last.excluded, address))
