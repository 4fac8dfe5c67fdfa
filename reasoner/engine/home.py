"""Where the knowledge base's files are: `ontology/` (with `context.jsonld`) and `shapes/`.

In order: the directory named by MTUS_HOME (an author's own copy of the ontology), the source
checkout this package sits in (a clone, or an editable install of one), else the copy the wheel
carries as package data (`reasoner/data/`).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the `reasoner` package


def home() -> Path:
    env = os.environ.get("MTUS_HOME")
    if env:
        return Path(env)
    checkout = PACKAGE.parent
    if (checkout / "ontology" / "mtus.ttl").is_file():
        return checkout
    return PACKAGE / "data"
