"""The case for change as a Word document (.docx): board papers are written in Word.

Real heading styles, so the document can be navigated and restyled in the board's template.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from course.journal.case import CaseDocument
from course.journal.journal import format_date, format_number


def _paragraphs(document, text: str, style: str | None = None) -> None:
    # A blank line starts a new paragraph; a single line break stays a line break.
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        paragraph = document.add_paragraph(style=style)
        lines = block.strip("\n").split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()


def case_docx(case: CaseDocument) -> bytes:
    """The document as .docx bytes: title, byline, the written sections, the appendix."""
    document = Document()
    document.core_properties.title = case.title
    document.core_properties.author = case.author
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(case.title, level=0)
    document.add_paragraph(f"{case.author}, {format_date(case.made_on)}")
    for heading, text in case.sections:
        document.add_heading(heading, level=1)
        _paragraphs(document, text)
    if case.appendix:
        document.add_heading("Appendix: from my journal", level=1)
        for lesson in case.appendix:
            document.add_heading(lesson.title, level=2)
            for item in lesson.items:
                kind = "Reflection" if item.is_reflection else "Experiment"
                caption = document.add_paragraph()
                caption.add_run(f"{kind}, {format_date(item.when)}: ")
                caption.add_run(item.heading).italic = True
                _paragraphs(document, item.text, style="Quote")
                for label, value in item.measures:
                    document.add_paragraph(f"{label}: {format_number(value)}",
                                           style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_filename(made_on) -> str:
    """A safe download name such as case-for-change-2025-03-03.docx."""
    return f"case-for-change-{made_on.isoformat()}.docx"
