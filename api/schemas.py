"""Pydantic models for the wire: what clients see, kept apart from the reasoner's own types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reasoner.engine.report import Citation


class ErrorInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="Stable machine-readable code, e.g. bad-input, "
                                  "incomplete-case, body-too-large, read-only.")
    message: str = Field(description="What is wrong, in plain words.")


class ErrorBody(BaseModel):
    error: ErrorInfo


_ERROR_TEXT = {
    400: "Unreadable input (details: source, line, column, term) or a refused SPARQL query",
    401: "Missing or wrong X-API-Key for a write",
    403: "SPARQL updates are refused: the endpoint is read-only",
    404: "Unknown resource",
    406: "None of the media types in Accept can be produced",
    413: "The request body is over the configured size limit",
    415: "Unsupported Content-Type",
    422: "The case is not complete enough to decide (details: problems)",
    500: "Server-side failure (knowledge base or store)",
    503: "Busy: the request waited too long for its turn (retry after Retry-After seconds); "
         "for SPARQL also a query that ran out of time",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorBody, "description": _ERROR_TEXT[s]} for s in statuses}


def use_error_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every 422 FastAPI documents by default (its own
    HTTPValidationError) described as the body the API really sends (ErrorBody)."""
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        response = operation.get("responses", {}).get("422")
        if response and "HTTPValidationError" in str(response):
            response["description"] = _ERROR_TEXT[422] + "; or invalid request parameters"
            response["content"] = {"application/json": {"schema": ref}}
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def raw_body_doc(media: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """OpenAPI requestBody for routes that read the raw body themselves."""
    return {"requestBody": {"required": True, "content": media}}


class TermRef(BaseModel):
    iri: str
    label: str


class Edition(BaseModel):
    iri: str
    label: str
    guideline: str
    in_force_from: dt.date
    in_force_until: dt.date | None


class CriterionNode(BaseModel):
    iri: str
    kind: str
    statement: str
    verification: str | None = Field(description="V verified, K working knowledge, K? uncertain")
    parameters: dict[str, Any]
    children: list[CriterionNode]


class GuidelineSummary(BaseModel):
    id: str | None = Field(description="Local name under https://w3id.org/mtus-kg/guideline/")
    iri: str
    label: str | None
    statement: str
    polarity: str
    verification: str | None
    applies_to: list[TermRef]
    citation: Citation
    edition: Edition
    source: str = Field(description="MTUS, or non-MTUS (evidence search sequence)")


class GuidelineDetail(GuidelineSummary):
    criteria: CriterionNode | None
    applicable_when: CriterionNode | None
    notes: list[str]
    file: str


class GuidelineList(BaseModel):
    count: int
    guidelines: list[GuidelineSummary]


class KnowledgeBaseInfo(BaseModel):
    digest: str
    recommendations: int


class Health(BaseModel):
    status: str
    knowledge_base: KnowledgeBaseInfo
    store: dict[str, Any]
