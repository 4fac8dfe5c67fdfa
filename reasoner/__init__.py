"""mtus-kg reasoner: compile MTUS guideline graphs once, decide many cases.

    from reasoner import KnowledgeBase
    kb = KnowledgeBase.load()
    result = kb.reason_document(data, "text/turtle")
"""

from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError
from reasoner.kb import KnowledgeBase

__all__ = ["KnowledgeBase", "InputError", "IncompleteCase", "KnowledgeBaseError"]
