"""mtus-kg reasoner: compile MTUS guideline graphs once, decide many cases.

    from reasoner import KnowledgeBase
    kb = KnowledgeBase.load()
    result = kb.reason_document(data, "text/turtle")
"""

from typing import TYPE_CHECKING, Any

from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError

if TYPE_CHECKING:
    from reasoner.engine.kb import KnowledgeBase

__all__ = ["KnowledgeBase", "InputError", "IncompleteCase", "KnowledgeBaseError"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that a light module of the package (the query worker) can be
    # started without importing the whole engine.
    if name == "KnowledgeBase":
        from reasoner.engine.kb import KnowledgeBase
        return KnowledgeBase
    raise AttributeError(f"module 'reasoner' has no attribute {name!r}")
