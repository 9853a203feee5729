"""Language of the body text, for pages that declare none (py3langid: a small n-gram model, no downloads)."""

from __future__ import annotations

from functools import lru_cache

SAMPLE_CHARS = 800  # a few sentences of the story are enough, and the guess costs ~1 ms
MIN_CHARS = 40  # shorter texts give unreliable guesses


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_confidence: float = 0.9) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is short or the guess unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    code, confidence = _identifier().classify(sample)
    return code if confidence >= min_confidence else None
