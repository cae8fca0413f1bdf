"""Serve the app, ask a question in headless Chromium, save a screenshot: docs/screenshot.png.

Usage: .venv/bin/python scripts/screenshot.py ["question" ...]
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import ask, chromium_page, streamlit_server  # noqa: E402

questions = sys.argv[1:] or ["Which countries bought Turkish drones?", "What about Lithuania?"]
out = ROOT / "docs" / "screenshot.png"
with tempfile.TemporaryDirectory() as data, streamlit_server(ROOT / "index", Path(data)) as url, \
        chromium_page(height=3000) as page:
    page.goto(url)
    page.get_by_text("The Genie").first.wait_for(timeout=120_000)
    for turn, question in enumerate(questions):
        ask(page, question, turn)
    page.screenshot(path=str(out), full_page=True)
print(out)
