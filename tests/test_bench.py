"""The benchmark's floor: what the model's own matmuls cost, whatever the runtime."""

from types import SimpleNamespace

from qa.bench import matmul_flops_per_piece, model_pieces, peak_matmul_flops


def test_matmul_floor_counts_every_weight_matrix_and_packed_attention():
    minilm = SimpleNamespace(hidden_size=384, intermediate_size=1536, num_hidden_layers=6)
    per_layer = 4 * 384 * 384 + 2 * 384 * 1536 + 2 * 128 * 384     # Q, K, V, out; feed-forward; QK^T and AV
    assert matmul_flops_per_piece(minilm, width=128) == 2 * 6 * per_layer


def test_model_pieces_count_each_sentence_with_its_special_tokens(engine):
    paragraphs = ["The river rose. It flooded the square.", "A wall will be built."]
    sentences = ["The river rose.", "It flooded the square.", "A wall will be built."]
    counts = engine.embedder.token_counts(sentences)
    assert model_pieces(paragraphs, engine.embedder.token_counts) == sum(counts) + 2 * 3


def test_peak_matmul_rate_is_measured_per_dtype():
    peak = peak_matmul_flops(dtypes=("float32",), repeats=2)
    assert set(peak) == {"float32"} and peak["float32"] > 1e9
