"""Reading the PDFs the app renders, in Python: no system program needed.

Text is compared with its whitespace normalised, so a line that wraps in a narrow
column cannot fail a test.
"""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader

A4 = (Decimal("595.28"), Decimal("841.89"))
LETTER = (Decimal("612"), Decimal("792"))


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def normalised(text: str) -> str:
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """The text with no whitespace at all, for values that may wrap mid-word."""
    return "".join(text.split())


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The text of the whole document, or of one page (counted from 1)."""
    reader = _reader(pdf)
    pages = [reader.pages[page - 1]] if page else reader.pages
    return normalised(" ".join(p.extract_text() or "" for p in pages))


def pdf_pages(pdf: bytes) -> int:
    return len(_reader(pdf).pages)


def page_size(pdf: bytes, page: int = 1) -> tuple[Decimal, Decimal]:
    """Width and height of a page in points, rounded to two places."""
    box = _reader(pdf).pages[page - 1].mediabox
    return (round(Decimal(str(box.width)), 2), round(Decimal(str(box.height)), 2))


def embedded_files(pdf: bytes) -> list[str]:
    """The names of the files attached to the document."""
    return list(_reader(pdf).attachments)


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    meta = _reader(pdf).metadata or {}
    return {str(k).lstrip("/"): str(v) for k, v in meta.items()}


def pdf_worker_run() -> None:
    """One PDF worker takes every waiting job, renders it and stops (`manage.py db_worker`).

    The worker closes connections it finds outside autocommit, as a test's is (it runs in
    a transaction that is rolled back): on PostgreSQL that would close the test's own
    connection, so here the worker keeps it, as Django's test client does for requests."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
