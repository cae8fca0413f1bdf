"""The one home of configuration: defaults here, overridable from env (QA_*) and CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = Path(__file__).resolve().parent / "data" / "default_article.txt"


def _default_index_dir() -> Path:
    return PROJECT_ROOT / "index"


def _default_data_dir() -> Path:
    return PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    index_dir: Path = field(default_factory=_default_index_dir)
    data_dir: Path = field(default_factory=_default_data_dir)     # feedback.sqlite3 lives here
    top_k: int = 3                 # paragraphs cited per answer
    max_evidence: int = 2          # evidence sentences kept per cited paragraph
    window_tokens: int = 200       # word pieces per window of a long paragraph (model limit: 256)
    batch_tokens: int = 4096       # word pieces per forward pass (measured fastest here)
    pack_tokens: int = 128         # short texts packed into rows of this many word pieces (fastest here)
    precision: str = "auto"        # auto (bf16 on AMX / AVX512-BF16 CPUs, else fp32), fp32 or bf16
    sentence_weight: float = 0.7   # dense score = 0.3 * best paragraph/window + 0.7 * best sentence cosine
    lexical_weight: float = 0.3    # candidates: dense + 0.3 * BM25 / best BM25 in the article
    rerank_depth: int = 10         # candidates reranked by late interaction (20 gave the same R@1)
    rerank_dense_weight: float = 0.15    # rerank score = MaxSim + 0.15 * dense + 0.1 * lexical
    rerank_lexical_weight: float = 0.1
    evidence_late_weight: float = 1.0    # sentence evidence score = cosine + 1.0 * sentence MaxSim
    evidence_margin: float = 0.2   # runner-up sentences this close to the best are evidence too
    max_question_chars: int = 2000
    # A question that leans on the chat: its scores + w x the previous question's, w by how much
    # it says itself (content words); a self-contained question is searched alone (followup.py).
    # Chosen on a grid over tests/data/conversations.json + conversations-extra.json (155
    # follow-ups); reported on conversations-heldout.json (README).
    followup_weight_terse: float = 0.5    # at most 1 content word ("And CBS?", "How long is it?")
    followup_weight_short: float = 0.5    # 2 content words
    followup_weight_long: float = 0.0     # 3 or more: its own words decide (0.1-0.35 lost on the fit part)
    followup_elliptic_terms: int = 2      # this few content words lean on the chat without a pointing word
    followup_lift: float = 0.5            # the chat's probability may lift a follow-up's, mixed at lift x w
                                          # (0: 25.8% of answerable follow-ups declined; 0.5: 12.3%)

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then QA_<FIELD> environment variables, then explicit overrides (CLI flags)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"QA_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            kind = type(getattr(cls(), f.name))
            values[f.name] = Path(raw) if kind is type(Path()) else kind(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
