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


def pdf_write(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """WeasyPrint alone, in this process: HTML in, PDF bytes out."""
    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=ASSET_ROOT, url_fetcher=fetcher).write_pdf()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    fetched: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def _render_child(html: str, connection: Any) -> None:
    fetcher = StaticOnlyFetcher()
    try:
        pdf = pdf_write(html, fetcher=fetcher)
        connection.send((True, pdf, tuple(fetcher.fetched), tuple(fetcher.refused)))
    except BaseException as exc:  # report anything; the parent decides
        connection.send((False, f"{type(exc).__name__}: {exc}", (), ()))
    finally:
        connection.close()


def _render_in_thread(html: str, limit: float) -> Rendered:
    """Where fork is not available: a thread, which is abandoned (not killed) on timeout."""
    fetcher = StaticOnlyFetcher()
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(pdf_write, html, fetcher=fetcher)
    executor.shutdown(wait=False)
    try:
        pdf = future.result(timeout=limit)
    except FutureTimeout as exc:
        raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit)) from exc
    return Rendered(pdf, tuple(fetcher.fetched), tuple(fetcher.refused))


def html_to_pdf(html: str, *, timeout: float | None = None) -> Rendered:
    """Render in a child process that is killed when it runs past the time limit."""
    limit = pdf_timeout() if timeout is None else timeout
    if "fork" not in multiprocessing.get_all_start_methods():
        return _render_in_thread(html, limit)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_child, args=(html, sender), name="pdf-render")
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise PdfTimeout(TIMEOUT_MESSAGE.format(seconds=limit))
        ok, payload, fetched, refused = receiver.recv()
    except EOFError as exc:
        raise PdfError(FAILED_MESSAGE.format(reason="the renderer stopped unexpectedly.")) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if not ok:
        raise PdfError(FAILED_MESSAGE.format(reason=payload))
    return Rendered(payload, fetched, refused)
