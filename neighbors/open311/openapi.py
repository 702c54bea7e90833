"""The OpenAPI 3.1 description of the Open311 GeoReport v2 interface, for partners' tools."""
from __future__ import annotations

_ERRORS = {"description": "Refused: [{code, description}]",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _param(name: str, description: str, where: str = "query", required: bool = False, kind: str = "string") -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": {"type": kind}}


_JURISDICTION = _param("jurisdiction_id", "A community's code, listed in discovery.json (optional with a key).")
_KEY = _param("api_key", "The partner's key, issued by the community's staff (also accepted as X-Api-Key).")


def _answer(schema: str, many: bool = True) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"200": {"description": "OK", "content": {"application/json": {
        "schema": {"type": "array", "items": ref} if many else ref}}},
        "400": _ERRORS, "403": _ERRORS, "404": _ERRORS, "429": _ERRORS}


def _request_schema() -> dict:
    text, nullable_number = {"type": "string"}, {"type": ["number", "null"]}
    nullable_text = {"type": ["string", "null"]}
    return {"type": "object", "properties": {
        "service_request_id": text, "status": {"enum": ["open", "closed"]}, "status_notes": text,
        "service_code": text, "service_name": text, "description": text, "agency_responsible": text,
        "service_notice": text, "requested_datetime": text, "updated_datetime": text,
        "expected_datetime": nullable_text, "address": text, "address_id": text, "zipcode": text,
        "lat": nullable_number, "long": nullable_number, "media_url": text}}


def _schemas() -> dict:
    text = {"type": "string"}
    return {
        "Errors": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "integer"},
                                                                               "description": text}}},
        "Service": {"type": "object", "properties": {
            "service_code": text, "service_name": text, "description": text, "metadata": {"type": "boolean"},
            "type": text, "keywords": text, "group": text}},
        "ServiceRequest": _request_schema(),
        "Filed": {"type": "object", "properties": {"service_request_id": text, "service_notice": text,
                                                   "account_id": {"type": ["string", "null"]}}},
        "NewRequest": {"type": "object", "required": ["api_key", "service_code", "description"], "properties": {
            "api_key": text, "jurisdiction_id": text, "service_code": text, "description": text,
            "lat": {"type": "number"}, "long": {"type": "number"}, "address_string": text, "media_url": text,
            "media": {"type": "string", "format": "binary"}}},
    }


def _paths() -> dict:
    lists = [_JURISDICTION, _KEY, _param("service_request_id", "Ids, comma separated."),
             _param("service_code", "Service codes, comma separated."),
             _param("status", "open, closed or both."), _param("start_date", "W3C date-time (default: 90 days ago)."),
             _param("end_date", "W3C date-time."), _param("page", "From 1.", kind="integer"),
             _param("page_size", "1 to 200, default 50.", kind="integer")]
    new = {"required": True, "content": {
        kind: {"schema": {"$ref": "#/components/schemas/NewRequest"}}
        for kind in ("application/x-www-form-urlencoded", "multipart/form-data")}}
    return {
        "/discovery.json": {"get": {"summary": "Endpoints and jurisdictions", "responses": {"200": {
            "description": "OK"}}}},
        "/services.json": {"get": {"summary": "The kinds of case a jurisdiction takes (public)",
                                   "parameters": [_JURISDICTION], "responses": _answer("Service")}},
        "/requests.json": {
            "get": {"summary": "Cases, newest first; a key unless the community publishes them",
                    "parameters": lists, "responses": _answer("ServiceRequest")},
            "post": {"summary": "File a case (a key is required); Idempotency-Key makes a retry answer the same case",
                     "parameters": [_param("Idempotency-Key", "Any string of up to 100 characters.", "header")],
                     "requestBody": new, "responses": _answer("Filed")}},
        "/requests/{service_request_id}.json": {"get": {
            "summary": "One case", "responses": _answer("ServiceRequest"),
            "parameters": [_param("service_request_id", "The case's id.", "path", True), _JURISDICTION, _KEY]}},
    }


def document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Neighbors Open311 GeoReport v2", "version": "2",
                 "description": "Cases of the communities' alleys for partner systems. No answer carries a "
                                "reporter's name, phone or photo metadata."},
        "servers": [{"url": base_url}],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }
