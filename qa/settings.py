"""The one home of configuration: defaults here, overridable from env (QA_*) and CLI flags.

The environment is read by pydantic-settings: every QA_<FIELD> is parsed to its field's type
and checked against its bounds, and a bad value is a QAError naming the variable."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Literal

from annotated_types import Ge

from .errors import QAError

Positive = Annotated[int, Ge(1)]       # bounds pydantic checks when the value comes from the environment
NonNegative = Annotated[int, Ge(0)]

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
    top_k: Positive = 3            # paragraphs cited per answer
    max_evidence: Positive = 2     # evidence sentences kept per cited paragraph
    window_tokens: Positive = 200  # word pieces per window of a long paragraph (model limit: 256)
    batch_tokens: Positive = 4096  # word pieces per forward pass (measured fastest here)
    pack_tokens: Positive = 128    # short texts packed into rows of this many word pieces (fastest here)
    precision: Literal["auto", "fp32", "bf16"] = "auto"   # auto: bf16 on AMX / AVX512-BF16 CPUs, else fp32
    runtime: Literal["auto", "openvino", "torch"] = "auto"  # auto: OpenVINO where installed (faster here), else torch
    sentence_weight: float = 0.7   # dense score = 0.3 * best paragraph/window + 0.7 * best sentence cosine
    lexical_weight: float = 0.3    # candidates: dense + 0.3 * BM25 / best BM25 in the article
    rerank_depth: Positive = 10         # candidates reranked by late interaction (20 gave the same R@1)
    rerank_lexical_depth: NonNegative = 1   # the best BM25 paragraph is reranked too, even when the
                                            # combined score left it out: a short paragraph's dense
                                            # vector is weak (a README's "The MIT License" under
                                            # "License"). SQuAD tune R@1 unchanged at 1-5 (README)
    rerank_dense_weight: float = 0.1     # rerank score = MaxSim + 0.1 * dense + 0.05 * lexical
    rerank_lexical_weight: float = 0.05
    late_function_word_share: float = 0.5   # MaxSim weighs each question word by its rarity in the
                                            # article; a function word by this share of the mean
    late_headings: float = 0.95    # MaxSim also matches the paragraph's section heading trail, its
                                   # cosines x this (0: off): an API page's "Removes all listeners." is
                                   # under "emitter.removeAllListeners()". Under 1, a paragraph that
                                   # says the word itself wins a tie (chosen on 4 Node.js pages, README)
    late_sentence_share: float = 0.6   # late interaction = 0.4 x the paragraph's MaxSim + 0.6 x its best
                                       # sentence's (0: paragraph only). Chosen on the SQuAD tune file and
                                       # the fit conversation sets (README)
    definition_bonus: float = 0.12  # "What is X?": added to the rerank score of a paragraph with a
                                    # sentence that defines X ("X is a …", definition.py), which is
                                    # reranked even when the first stage left it out (0: off). Chosen
                                    # on 13 questions about real manuals and half the SQuAD tune
                                    # file's articles; reported on 36 others (README)
    evidence_late_weight: float = 1.0    # sentence evidence score = cosine + 1.0 * sentence MaxSim
    evidence_margin: float = 0.2   # runner-up sentences this close to the best are evidence too
    max_question_chars: Positive = 2000
    english_floor: float = 0.01         # an article less likely English than this (py3langid) is not: its
                                        # answers are hedged and the app says so (qa/language.py)
    # A question that leans on the chat: its scores + w x the previous question's, w by how much
    # it says itself (content words); a self-contained question is searched alone (followup.py).
    # Chosen on a grid over tests/data/conversations.json + conversations-extra.json (155
    # follow-ups); reported on conversations-heldout.json (README).
    followup_weight_bare: float = 1.0     # no content word ("Why?", "And where?"): its own words match noise
    followup_weight_terse: float = 0.5    # at most 1 content word ("And CBS?", "How long is it?")
    followup_weight_short: float = 0.5    # 2 content words
    followup_weight_long: float = 0.5     # 3 or more, and its own words leave the first two paragraphs
    followup_long_margin: float = 0.025   # this close (else searched alone; unconditional 0.1-0.35 lost)
    followup_elliptic_terms: int = 2      # this few content words lean on the chat without a pointing word
    followup_lift: float = 1.0            # the chat's probability may lift a follow-up's, mixed at lift x w
                                          # (fit part, answerable follow-ups declined: 0.5: 6.8% / 11.0%,
                                          # 1.0-2.0: 5.5% / 8.5%; unanswerable ones declined unchanged)
    followup_read_bonus: float = 0.04     # added to the rerank score of the paragraph the chat's last answer
                                          # cited first, and of the one after it, for a question that leans
                                          # on the chat (0: off). Fit part, 315 follow-ups (README)

    def __post_init__(self) -> None:
        for name in ("index_dir", "data_dir"):           # a str from a caller works as a path
            object.__setattr__(self, name, Path(getattr(self, name)))

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, then QA_<FIELD> environment variables (os.environ, or `env`), then explicit
        overrides (CLI flags). Raises QAError for a value that does not parse or is out of bounds."""
        from pydantic import ValidationError

        model = _env_model()
        try:
            if env is None:
                parsed = model()                            # pydantic-settings reads os.environ
            else:
                prefix = "QA_"
                parsed = model(**{k[len(prefix):].lower(): v for k, v in env.items()
                                  if k.upper().startswith(prefix) and v != ""})
        except ValidationError as exc:
            problems = "; ".join(f"QA_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
            raise QAError(f"Bad setting in the environment: {problems}.") from None
        values = {name: value for name, value in parsed.model_dump(exclude_unset=True).items()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


_MODEL = None


def _env_model():
    """A pydantic-settings model with Settings' fields, types and defaults (built once)."""
    global _MODEL
    if _MODEL is None:
        import typing

        from pydantic import Field, create_model
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Base(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", env_ignore_empty=True)

        hints = typing.get_type_hints(Settings, include_extras=True)
        specs = {f.name: (hints[f.name], Field(default_factory=lambda name=f.name: getattr(Settings(), name)))
                 for f in fields(Settings)}
        _MODEL = create_model("EnvSettings", __base__=Base, **specs)
    return _MODEL
