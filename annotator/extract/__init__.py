"""Pre-extraction of named entities and quotes with spaCy.

spaCy is imported lazily (when a model is loaded), so importing this package stays cheap.
"""

from __future__ import annotations

from .cues import CueLexicon, load_cues
from .pipeline import DEFAULT_MODEL, Extractor, ModelNotFoundError, entities_of, extract_one, load_model
from .quotes import QuoteExtractor, extract_quotes

__all__ = [
    "DEFAULT_MODEL",
    "CueLexicon",
    "Extractor",
    "ModelNotFoundError",
    "QuoteExtractor",
    "entities_of",
    "extract_one",
    "extract_quotes",
    "load_cues",
    "load_model",
]
