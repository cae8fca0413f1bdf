"""The embedding path chosen from the CPU, and its parity with fp32."""

import os

import numpy as np
import pytest

from qa import Engine, Settings
from qa.embed import Embedder, choose_precision
from seed_questions import OFF_TOPIC, ON_TOPIC

AMX_CPU = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
OLD_CPU = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"


def test_auto_precision_takes_bf16_only_where_the_cpu_multiplies_it_natively():
    assert choose_precision("auto", AMX_CPU) == "bf16"
    assert choose_precision("auto", OLD_CPU) == "fp32"
    assert choose_precision("fp32", AMX_CPU) == "fp32"
    assert choose_precision("bf16", OLD_CPU) == "bf16"
    with pytest.raises(ValueError, match="precision must be one of"):
        choose_precision("int4", AMX_CPU)


def test_precision_is_a_setting_from_env():
    assert Settings.from_env({"QA_PRECISION": "fp32"}).precision == "fp32"


@pytest.fixture(scope="module")
def fp32_engine(tmp_path_factory):
    return Engine(Settings(index_dir=tmp_path_factory.mktemp("fp32"), precision="fp32"))


@pytest.fixture(scope="module")
def bf16_engine(engine, tmp_path_factory):
    if engine.embedder.precision == "bf16":
        return engine
    return Engine(Settings(index_dir=tmp_path_factory.mktemp("bf16"), precision="bf16"))


def test_bf16_vectors_match_fp32_closely(fp32_engine, bf16_engine):
    texts = [q for q, _ in ON_TOPIC] + list(bf16_engine.open_default().paragraphs)
    cos = (fp32_engine.embedder.encode(texts) * bf16_engine.embedder.encode(texts)).sum(axis=1)
    assert fp32_engine.embedder.precision == "fp32" and bf16_engine.embedder.precision == "bf16"
    assert cos.min() > 0.995, cos.min()


def test_fp32_and_fast_path_give_the_same_answers_on_the_seed_questions(fp32_engine, bf16_engine):
    fast, plain = bf16_engine.open_default(), fp32_engine.open_default()
    for question, _ in ON_TOPIC:
        assert fast.ask(question).citations[0].paragraph == plain.ask(question).citations[0].paragraph, question
    for question in OFF_TOPIC:
        assert fast.ask(question).abstained == plain.ask(question).abstained, question


def test_token_vectors_come_from_the_same_pass_as_the_pooled_vector(engine):
    texts = ["The museum opened in 1902.", "Hi"]
    encoded = engine.embedder.encode_flat(texts, rows_dtype=np.float16)
    assert encoded.vectors.shape == (2, engine.embedder.dim) and encoded.rows.dtype == np.float16
    assert encoded.lengths[0] > encoded.lengths[1] >= 1                  # [CLS]/[SEP] dropped, words kept
    assert len(encoded.rows) == encoded.lengths.sum()
    assert np.allclose(np.linalg.norm(encoded.tokens(0).astype(np.float32), axis=1), 1, atol=1e-2)
    assert np.allclose(encoded.row_sums[1], encoded.tokens(1).astype(np.float32).sum(axis=0), atol=1e-2)
    assert np.allclose(encoded.vectors, engine.embedder.encode(texts), atol=1e-5)


def test_packed_texts_do_not_see_each_other(fp32_engine):
    """Many short texts share a row of the batch: each must encode as if it were alone, i.e.
    as the model's own SentenceTransformer.encode gives it."""
    texts = [q for q, _ in ON_TOPIC] + [q for q in OFF_TOPIC] + list(fp32_engine.open_default().paragraphs)
    embedder = fp32_engine.embedder
    reference = embedder.model.encode(texts, normalize_embeddings=True, batch_size=1)
    packed = embedder.encode(texts)
    cos = (packed * reference).sum(axis=1)
    assert cos.min() > 0.9999, cos.min()
    alone = np.concatenate([embedder.encode_flat([t]).rows for t in texts])
    assert np.allclose(embedder.encode_flat(texts).rows, alone, atol=1e-4)


def test_a_question_encodes_and_splits_into_words_in_one_pass_as_in_two(engine):
    embedder = engine.embedder
    long = " ".join(f"Paragraph{n} names the naïve café's owner, O'Neill." for n in range(80))   # over 256 pieces
    for text in ["Whose release did the ambassadors demand?", "Ünïcödé x² — 1,000 km?", long]:
        encoded, words, word_of = embedder.encode_question(text)
        alone = embedder.encode_flat([text])
        assert np.array_equal(encoded.vectors, alone.vectors) and np.array_equal(encoded.rows, alone.rows)
        expected_words, expected_word_of = embedder.words_of_pieces(text)
        assert words == expected_words and np.array_equal(word_of, expected_word_of)
        assert len(word_of) == len(encoded.rows)


def test_importing_torch_first_does_not_leave_the_model_single_threaded():
    """FAISS's omp_set_num_threads once resolved to torch's OpenMP and halved encode speed."""
    import subprocess
    import sys

    from conftest import ROOT

    code = ("import torch; before = torch.get_num_threads(); "
            "from qa.threads import limit_numeric_threads; limit_numeric_threads(); "
            "import qa.index; print(before, torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    assert before == after


# --- one model thread; questions asked at once share a forward pass -------------------------

QUESTIONS_AT_ONCE = ["What did Peskov warn about?", "Who is practicing a balancing act?", "What is drone diplomacy?",
                     "Can Ankara restrain Kiev?", "Which countries bought Turkish drones?",
                     "Whose military superiority does Turkey want to balance?"]


def _packed_inputs(tokenizer, questions):
    import torch

    ids = tokenizer(questions, padding=True, return_tensors="pt")["input_ids"]
    segment = torch.where(ids > 0, 0, -1)                                   # -1 on padding
    return ids, {"input_ids": ids, "position_ids": torch.arange(ids.shape[1]).repeat(len(ids), 1),
                 "attention_mask": (segment[:, :, None] == segment[:, None, :])[:, None],
                 "token_type_ids": torch.zeros_like(ids)}


@pytest.fixture(scope="module")
def torch_embedder():
    return Embedder(precision="fp32", runtime="torch")


def test_the_traced_model_gives_exactly_the_eager_models_output(torch_embedder):
    import torch

    from qa.embed import on_model_thread

    e = torch_embedder
    _, inputs = _packed_inputs(e.model.tokenizer, QUESTIONS_AT_ONCE[:4])

    def both():
        with torch.inference_mode():
            return (e._network(**inputs)["last_hidden_state"],
                    e.model[0].auto_model(**inputs, return_dict=True)["last_hidden_state"])

    traced, plain = on_model_thread(both)
    assert e.runtime == "torch" and isinstance(e._network, torch.jit.ScriptModule)
    assert torch.equal(traced, plain)


def test_the_openvino_model_stays_within_1e_3_cosine_of_the_fp32_model(engine, torch_embedder):
    """The default runtime (OpenVINO where installed, as requirements.txt has it) against the
    plain fp32 torch model: every word-piece vector and every pooled question vector."""
    import torch

    from qa.embed import on_model_thread

    assert engine.embedder.runtime == "openvino"
    ids, inputs = _packed_inputs(torch_embedder.model.tokenizer, QUESTIONS_AT_ONCE)

    def both():
        with torch.inference_mode():
            return (engine.embedder._network(**inputs)["last_hidden_state"].float(),
                    torch_embedder.model[0].auto_model(**inputs, return_dict=True)["last_hidden_state"])

    fast, exact = on_model_thread(both)
    real = ids > 0
    rows = torch.nn.functional.cosine_similarity(fast[real], exact[real], dim=1)
    assert rows.min() >= 0.999
    pooled = (engine.embedder.encode(QUESTIONS_AT_ONCE) * torch_embedder.encode(QUESTIONS_AT_ONCE)).sum(axis=1)
    assert pooled.min() >= 0.9999


def test_an_unknown_runtime_is_a_clear_error():
    from qa.embed import choose_runtime

    assert choose_runtime("torch") == "torch"
    with pytest.raises(ValueError, match="runtime must be one of"):
        choose_runtime("onnx")
    assert Settings.from_env({"QA_RUNTIME": "torch"}).runtime == "torch"


def test_a_row_computed_beside_others_is_checked_to_equal_it_alone(engine):
    """The check that lets questions share passes: true for this model, false for one whose
    rows depend on what else is in the batch."""
    from qa.embed import _rows_independent, on_model_thread

    e = engine.embedder

    def batch_dependent(**inputs):
        out = e._network(**inputs)["last_hidden_state"]
        return {"last_hidden_state": out + 1e-3 * inputs["input_ids"].shape[0]}

    assert on_model_thread(_rows_independent, e._network, e.model.tokenizer, e.dim)
    assert not on_model_thread(_rows_independent, batch_dependent, e.model.tokenizer, e.dim)


def test_questions_asked_at_once_share_one_forward_pass_and_get_what_they_get_alone(engine, monkeypatch):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import qa.embed as embed

    e = engine.embedder
    alone = {q: e.encode_flat([q]) for q in QUESTIONS_AT_ONCE}
    passes: list[int] = []
    real_forward = embed._forward

    def counted(network, ids, sizes, batch, out, *multiple):
        passes.append(len(batch))
        return real_forward(network, ids, sizes, batch, out, *multiple)

    monkeypatch.setattr(embed, "_forward", counted)
    release = threading.Event()
    with ThreadPoolExecutor(len(QUESTIONS_AT_ONCE) + 1) as pool:
        busy = pool.submit(embed.on_model_thread, release.wait, 30)      # the model thread is busy...
        asked = [pool.submit(e.encode_flat, [q]) for q in QUESTIONS_AT_ONCE]
        deadline = time.monotonic() + 30
        while len(e._waiting) < len(QUESTIONS_AT_ONCE) and time.monotonic() < deadline:
            time.sleep(0.01)                                              # ...while every question arrives
        release.set()
        assert busy.result()
        together = dict(zip(QUESTIONS_AT_ONCE, (f.result() for f in asked)))
    assert passes == [len(QUESTIONS_AT_ONCE)]                             # one pass, a row per question
    for q in QUESTIONS_AT_ONCE:
        for field in ("vectors", "rows", "lengths", "row_sums"):
            assert np.array_equal(getattr(together[q], field), getattr(alone[q], field)), (q, field)


def test_openvino_is_loaded_without_its_usage_telemetry(tmp_path):
    """Plain `import openvino` writes ~/intel/ and counts as consent to send usage events."""
    import subprocess
    import sys

    code = ("from qa.embed import _import_openvino; ov = _import_openvino(); ov.Core(); "
            "import sys; assert sys.modules['openvino_telemetry'] is None")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "HOME": str(tmp_path)}, timeout=120)
    assert not (tmp_path / "intel").exists()
