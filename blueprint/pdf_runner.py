"""HTML to PDF with WeasyPrint, in a child process that is killed at the time limit.

WeasyPrint runs in a forked child process that is killed after `BLUEPRINT_PDF_TIMEOUT`
seconds (setting or environment variable, default 60), so a huge blueprint cannot hold a
web worker forever. Forking is cheap (the child shares the parent's loaded code and
settings) and the child touches no database connection. Every fetch goes through
`StaticOnlyFetcher`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from blueprint.pdf_fetcher import ASSET_ROOT, StaticOnlyFetcher

# WeasyPrint reports every layout step at INFO level (hundreds of lines per export);
# quieten it before anything renders.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402

DEFAULT_TIMEOUT = 60.0
TIMEOUT_MESSAGE = (
    "The PDF took longer than {seconds:g} seconds to render and was stopped. Try again in a "
    "moment; if it keeps happening, the blueprint may be too large to print in one go, so "
    "tell your administrator (BLUEPRINT_PDF_TIMEOUT sets the limit)."
)
FAILED_MESSAGE = "The PDF could not be rendered: {reason}"


class PdfError(Exception):
    """The PDF could not be produced; the message says why, for people."""


class PdfTimeout(PdfError):
    """Rendering went past the time limit and was stopped."""


def pdf_timeout() -> float:
    """Seconds a render may take: settings.BLUEPRINT_PDF_TIMEOUT, else the environment."""
    value = getattr(settings, "BLUEPRINT_PDF_TIMEOUT", None)
    if value is None:
        value = os.environ.get("BLUEPRINT_PDF_TIMEOUT") or DEFAULT_TIMEOUT
    return float(value)


# What WeasyPrint's progress log says, as (step, page) for the page that waits: see
# weasyprint.layout ("Step 5 - Creating layout - Page %d", "... - Repagination #%d") and
# weasyprint.pdf ("Step 6 - Creating PDF").
OnProgress = Callable[[str, int], None]


def _progress_of(record: logging.LogRecord) -> tuple[str, int] | None:
    message = str(record.msg)
    number = record.args[0] if isinstance(record.args, tuple) and record.args else 0
    if "Creating layout - Page" in message and "up-to-date" not in message:
        return ("layout", int(number))
    if "Repagination" in message:
        return ("numbering", int(number))
    if message.startswith("Step 6"):
        return ("writing", 0)
    return None


class _ProgressHandler(logging.Handler):
    def __init__(self, report: OnProgress) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        progress = _progress_of(record)
        if progress is not None:
            self.report(*progress)


def _write(html: str, fetcher: StaticOnlyFetcher, report: OnProgress | None) -> tuple[bytes, int]:
    """WeasyPrint in this process: the PDF and its number of pages, reporting progress
    while it lays the pages out when asked to."""
    logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(report) if report else None
    if handler:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # the steps go to the page that waits, not to the log
    try:
        document = HTML(string=html, base_url=ASSET_ROOT, url_fetcher=fetcher).render()
        return document.write_pdf(), len(document.pages)
    finally:
        if handler:
            logger.removeHandler(handler)
            logger.setLevel(logging.WARNING)
            logger.propagate = True


def pdf_write(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """WeasyPrint alone, in this process: HTML in, PDF bytes out."""
    return _write(html, fetcher or StaticOnlyFetcher(), None)[0]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    fetched: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    pages: int = 0


def _render_child(html: str, connection: Any, progress: bool) -> None:
    fetcher = StaticOnlyFetcher()

    def report(step: str, page: int) -> None:
        connection.send(("progress", step, page))

    try:
        pdf, pages = _write(html, fetcher, report if progress else None)
        connection.send(("done", pdf, tuple(fetcher.fetched), tuple(fetcher.refused), pages))
    except BaseException as exc:  # report anything; the parent decides
        connection.send(("failed", f"{type(exc).__name__}: {exc}", (), (), 0))
    finally:
        connection.close()


def _render_in_thread(html: str, limit: float) -> Rendered:
    """Where fork is not available: a thread, which is abandoned (not killed) on timeout."""
    fetcher = StaticOnlyFetcher()
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(_write, html, fetcher, None)
    executor.shutdown(wait=False)
    try:
        pdf, pages = future.result(timeout=limit)
    except FutureTimeout as exc:
        raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit)) from exc
    return Rendered(pdf, tuple(fetcher.fetched), tuple(fetcher.refused), pages)


def html_to_pdf(
    html: str, *, timeout: float | None = None, on_progress: OnProgress | None = None
) -> Rendered:
    """Render in a child process that is killed when it runs past the time limit.

    `on_progress(step, page)` hears where the child is ("layout" and the page it lays
    out, "numbering", "writing"), in this process, as it goes.
    """
    limit = pdf_timeout() if timeout is None else timeout
    if "fork" not in multiprocessing.get_all_start_methods():
        return _render_in_thread(html, limit)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_render_child, args=(html, sender, on_progress is not None), name="pdf-render"
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + limit
    try:
        while True:
            if not receiver.poll(max(deadline - time.monotonic(), 0)):
                raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit))
            message = receiver.recv()
            if message[0] != "progress":
                break
            if on_progress is not None:
                on_progress(message[1], message[2])
        outcome, payload, fetched, refused, pages = message
    except EOFError as exc:
        raise PdfError(FAILED_MESSAGE.format(reason="the renderer stopped unexpectedly.")) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if outcome != "done":
        raise PdfError(FAILED_MESSAGE.format(reason=payload))
    return Rendered(payload, fetched, refused, pages)
