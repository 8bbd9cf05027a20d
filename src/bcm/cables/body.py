"""The telegram body: numbered, portion-marked paragraphs, headings, footer and signature.

Input is the body's lines with page-continuation lines already removed (blank lines kept as
""). Sub-items (``A. (U)``, ``1) (U)``) stay in their paragraph's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcm.cables import lines as L
from bcm.cables.marks import portion_of
from bcm.cables.model import Paragraph

# Words that end a sentence-final "... END TEXT." line but are not surnames.
_NOT_NAMES = frozenset({"END", "TEXT", "COMMENT", "SUMMARY", "NOTE", "PARA", "SEPTEL", "REFTEL"})


@dataclass(slots=True)
class Body:
    paragraphs: list[Paragraph] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    signature: str | None = None
    warnings: list[str] = field(default_factory=list)


def _is_trailer(line: str) -> bool:
    stripped = line.strip()
    return (
        not stripped
        or bool(L.LONE_LEVEL.match(line) or L.TRAILER.match(line) or L.is_noise(line))
        or bool(L.SPACED_LEVEL.match(line))
    )


def _take_signature(lines: list[str], body: Body) -> None:
    """Take the signature from the end, past any trailer (classification repeated, NNNN...)."""
    end = len(lines)
    while end and _is_trailer(lines[end - 1]):
        end -= 1
    if not end:
        return
    last = lines[end - 1].strip().rstrip("#")
    if last.endswith(".") and L.SIGNATURE.match(last[:-1]) and " " not in last:
        last = last[:-1]  # "MCNAMARA."
    trailer = [line for line in lines[end:] if line.strip()]
    if L.SIGNATURE.match(last) and len(last) <= 30 and not L.PARAGRAPH.match(last):
        body.signature = last
        del lines[end - 1 :]
    elif (trailing := L.TRAILING_SIGNATURE.match(last)) and trailing[2] not in _NOT_NAMES:
        body.signature = trailing[2]  # "... for success. BROWNFIELD": signed on the last line
        lines[end - 1] = trailing[1]
        del lines[end:]
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        return
    ignored = [line for line in trailer if not (L.LONE_LEVEL.match(line) or line.strip() == ".")]
    if ignored:
        body.warnings.append(f"{len(ignored)} line(s) after the signature ignored")


def _take_footer(lines: list[str], body: Body) -> None:
    last_paragraph = max((i for i, line in enumerate(lines) if L.PARAGRAPH.match(line)), default=-1)
    for index in range(last_paragraph + 1, len(lines)):
        if L.FOOTER_RULE.match(lines[index]):
            body.footer = [line.strip() for line in lines[index:] if line.strip()]
            del lines[index:]
            return


def _runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive non-blank lines; a paragraph starts a run."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate([*lines, ""]):
        if start is not None and line.strip() and L.PARAGRAPH.match(line):
            runs.append((start, index))
            start = index
        elif line.strip() and start is None:
            start = index
        elif not line.strip() and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _heading_lines(lines: list[str]) -> set[int]:
    """Indexes of heading lines: short runs framed or underlined by rules (``-----``)."""
    headings: set[int] = set()
    runs = _runs(lines)
    for position, (start, end) in enumerate(runs):
        run = lines[start:end]
        rules = [bool(L.RULE.match(line)) for line in run]
        if any(L.PARAGRAPH.match(line) for line in run):
            continue
        followed_by_rule = position + 1 < len(runs) and all(
            L.RULE.match(line) for line in lines[runs[position + 1][0] : runs[position + 1][1]]
        )
        if (any(rules) or followed_by_rule) and len(run) - sum(rules) <= 4:
            headings.update(range(start, end))
    return headings


@dataclass(slots=True)
class _Open:
    number: int | None
    portion: str | None
    heading: str | None
    text: list[str] = field(default_factory=list)

    def close(self) -> Paragraph:
        while self.text and not self.text[-1]:
            self.text.pop()
        while self.text and not self.text[0]:
            self.text.pop(0)
        joined = "\n".join(self.text)
        return Paragraph(self.number, self.portion, joined, self.heading)


def _mark(rest: str, number: int | None, body: Body) -> tuple[str | None, str]:
    """Split a leading portion mark off a paragraph's first line."""
    if entire := L.ENTIRE_TEXT.match(rest):
        portion = portion_of(f"({entire[1].upper()} - ENTIRE TEXT)")
        if portion is not None:
            return portion, rest
    match = L.MARK.match(rest)
    if match is None:
        return None, rest
    portion = portion_of(f"({match[1]})")
    if portion is None:
        where = f"paragraph {number}" if number is not None else "text"
        body.warnings.append(f"{where}: portion mark ({match[1]}) not understood; kept in text")
        return None, rest
    return portion, match[2]


def _paragraph_number(line: str, last: int | None) -> tuple[int, str] | None:
    match = L.PARAGRAPH.match(line)
    if match is None:
        return None
    number = int(match[1])
    if number == 0 or (last is not None and not last < number <= last + 3):
        return None
    return number, match[2]


def split_body(lines: list[str]) -> Body:
    """Paragraphs, headings, footer and signature of the body lines."""
    body = Body()
    lines = [line.rstrip() for line in lines]
    _take_signature(lines, body)
    _take_footer(lines, body)
    headings = _heading_lines(lines)
    current: _Open | None = None
    heading: list[str] = []
    last: int | None = None
    for index, line in enumerate(lines):
        if index in headings:
            if not L.RULE.match(line):
                heading.append(line.strip())
            continue
        start = _paragraph_number(line, last) if line.lstrip()[:1].isdigit() else None
        if start is None and current is not None and not (heading and line.strip()):
            current.text.append(line.strip() if not line.strip() else line.rstrip())
            continue
        if start is None and not line.strip():
            continue
        if current is not None:
            body.paragraphs.append(current.close())
        number, rest = start if start is not None else (None, line.strip())
        portion, rest = _mark(rest.strip(), number, body)
        current = _Open(number, portion, "\n".join(heading) or None, [rest])
        heading = []
        last = number if number is not None else last
    if current is not None:
        body.paragraphs.append(current.close())
    if heading:
        body.paragraphs.append(Paragraph(None, None, "", "\n".join(heading)))
    return body
