"""Serve the app, ask a question in headless Chromium, save a screenshot: docs/screenshot.png.

Usage: .venv/bin/python scripts/screenshot.py ["question" ...]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import ask, chromium_page, streamlit_server  # noqa: E402

questions = sys.argv[1:] or ["Whose release did the ambassadors demand?"]
out = ROOT / "docs" / "screenshot.png"
with streamlit_server(ROOT / "index") as url, chromium_page(height=2400) as page:
    page.goto(url)
    page.get_by_text("The Genie").first.wait_for(timeout=120_000)
    for turn, question in enumerate(questions):
        ask(page, question, turn)
    page.screenshot(path=str(out), full_page=True)
print(out)
