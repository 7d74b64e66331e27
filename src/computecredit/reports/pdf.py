"""HTML → PDF with headless Chromium, which embeds (subsets) the CJK fonts the page uses.

The renderer is Debian's ``chromium`` (``COMPUTECREDIT_CHROMIUM`` overrides the path) and the CJK font is
Noto Sans CJK (Debian package ``fonts-noto-cjk``). When either is missing, :func:`html_to_pdf` raises
:class:`RendererUnavailable` with a message that says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CJK_FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class RendererUnavailable(RuntimeError):
    """The PDF renderer or the CJK font it needs is not installed."""


def find_chromium() -> str:
    """Path of the Chromium binary, or :class:`RendererUnavailable` saying how to install it."""
    configured = os.environ.get("COMPUTECREDIT_CHROMIUM")
    candidates = [configured] if configured else [found for name in BROWSERS if (found := shutil.which(name))]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise RendererUnavailable(
        "PDF output needs Chromium: install Debian's 'chromium' package (apt-get install chromium) or set "
        "COMPUTECREDIT_CHROMIUM to a Chromium/Chrome binary; HTML output (--format html) works without it"
    )


def find_cjk_font() -> Path:
    """The Noto CJK font file, or :class:`RendererUnavailable` saying how to install it."""
    for path in CJK_FONT_FILES:
        if path.is_file():
            return path
    fc_list = shutil.which("fc-list")
    if fc_list:
        listing = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        for line in listing.splitlines():
            if "Noto" in line and "CJK" in line:
                return Path(line.split(":", 1)[0])
    raise RendererUnavailable(
        "PDF output needs a CJK font: install Debian's 'fonts-noto-cjk' package (apt-get install fonts-noto-cjk)"
    )


def html_to_pdf(html: str, *, timeout_s: float = 120) -> bytes:
    """Print ``html`` to PDF (A4, no browser header/footer) and return the bytes."""
    browser = find_chromium()
    find_cjk_font()
    with tempfile.TemporaryDirectory(prefix="cc-memo-") as tmp:
        folder = Path(tmp)
        page = folder / "memo.html"
        out = folder / "memo.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RendererUnavailable(f"Chromium did not finish printing within {timeout_s:g} s") from exc
        if not out.is_file() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise RendererUnavailable(
                f"Chromium failed to print the PDF (exit {done.returncode}): {' | '.join(tail)}"
            )
        return out.read_bytes()


__all__ = ["RendererUnavailable", "find_chromium", "find_cjk_font", "html_to_pdf"]
