"""GeoReport v2's XML: the same answers as the JSON, in the element names the standard gives
(`<services><service>…`, `<service_requests><request>…`, `<errors><error>…`, `<discovery>…`)."""
from __future__ import annotations

import re
# this module writes XML and never parses any, which is what bandit's B405 warns of
from xml.etree.ElementTree import Element, SubElement, tostring  # nosec B405

# a list's items are named by the list: the standard's own names, then this app's extensions
ITEM = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
        "formats": "format", "jurisdictions": "jurisdiction"}
# characters XML 1.0 cannot carry at all (a resident's text may hold a stray control character)
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(SubElement(element, name), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(SubElement(element, ITEM.get(element.tag, "item")), inner)
    else:
        element.text = _text(value)


def document(root: str, value) -> bytes:
    """`value` (what the JSON answer holds) under the element `root`, UTF-8 with its declaration."""
    element = Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8", xml_declaration=False)
