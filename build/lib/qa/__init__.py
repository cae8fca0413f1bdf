"""Ask an article questions; get answers that cite its own paragraphs.

Pipeline: ingest -> units -> embed -> index -> retrieve -> answer, behind `Engine`.
"""

from .engine import Document, Engine
from .errors import QAError
from .records import Answer, Article, Citation, Hit
from .settings import Settings

__all__ = ["Answer", "Article", "Citation", "Document", "Engine", "Hit", "QAError", "Settings"]
