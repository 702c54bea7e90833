"""Open311 GeoReport v2 under /open311/v2/, in JSON (`….json`) and the standard's XML (`….xml`): partner systems
(12345, the grid platform) list the services, read cases and file them. Key authentication only (no session, no
CSRF); errors are the standard's `[{"code": …, "description": …}]` (`<errors><error>…`) with the HTTP status the
standard names."""
from __future__ import annotations

from datetime import datetime, timezone

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..clock import LOCAL_TZ, to_local, utcnow
from ..errors import DomainError, InvalidInput, N_
from ..extensions import csrf, limiter
from ..i18n import department_label
from ..registry import PublicCase
from . import services
from .openapi import document
from .xml import document as xml_document

bp = Blueprint("open311_api", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# the standard's statuses for a refusal: bad input is 400, a missing or wrong key 403
STATUS = {422: 400, 409: 409, 403: 403, 404: 404}


def _partner() -> str:
    """Rate limits count per key (per address when there is none)."""
    raw = _raw_key()
    return f"key:{services.key_hash(raw)[:16]}" if raw else f"address:{request.remote_addr}"


def _raw_key() -> str:
    return (request.values.get("api_key") or request.headers.get("X-Api-Key") or "").strip()


def jsonify(data, status: int = 200) -> Response:
    """JSON in UTF-8 as it reads (partners' logs show 打铁巷, not \\u6253\\u94c1\\u5df7)."""
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


def answer(data, root: str, status: int = 200) -> Response:
    """The answer in the format the path asks for: `….xml` gets the standard's XML under `root`, else JSON."""
    if request.path.endswith(".xml"):
        return Response(xml_document(root, data), status=status, mimetype="text/xml")
    return jsonify(data, status)


def _error(status: int, description: str):
    return answer([{"code": status, "description": description}], "errors", status)


@bp.errorhandler(DomainError)
def refused(error: DomainError):
    status = STATUS.get(error.status, 400)
    return _error(status, f"{error.field}: {error.message}" if error.field else error.message)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error(error.code or 500, error.description or error.name)


def _when(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat(timespec="seconds") if moment else None


def _case_json(case: PublicCase, filing, names: dict[str, str]) -> dict:
    return {
        "service_request_id": str(case.id),
        "status": "open" if case.open else "closed",
        "status_notes": gettext(case.status_notes),
        "service_code": case.service_code,
        "service_name": gettext(names[case.service_code]) if case.service_code in names else case.service_code,
        "description": case.description,
        "agency_responsible": department_label(case.agency_responsible) if case.agency_responsible else "",
        "service_notice": "",
        "requested_datetime": _when(case.requested_at),
        "updated_datetime": _when(case.updated_at),
        "expected_datetime": _when(case.expected_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.latitude if case.latitude is not None else (filing.latitude if filing else None),
        "long": case.longitude if case.longitude is not None else (filing.longitude if filing else None),
        "media_url": filing.media_url if filing and filing.media_url else "",
    }


def _cases_json(found: list[PublicCase], community_id: int) -> list[dict]:
    filings = services.filings_for(community_id, [case.id for case in found])
    names = services.service_names(community_id)
    return [_case_json(case, filings.get(case.id), names) for case in found]


@bp.get("/discovery.xml")
@bp.get("/discovery.json")
def discovery():
    return answer({
        "changeset": "2026-12-03T00:00:00+08:00",
        "contact": gettext("Your community office"),
        "key_service": gettext("API keys are issued by the community's staff."),
        "endpoints": [{"specification": SPECIFICATION, "url": url_for(".discovery", _external=True).rsplit("/", 1)[0],
                       "changeset": "2026-12-03T00:00:00+08:00", "type": "production",
                       "formats": ["application/json", "text/xml"]}],
        "jurisdictions": [{"jurisdiction_id": j.code, "name": j.community.name, "publishes_cases": j.publishes_cases}
                          for j in services.jurisdictions()],
        "openapi": url_for(".openapi", _external=True),
    }, "discovery")


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(url_for(".discovery", _external=True).rsplit("/", 1)[0]))


@bp.get("/services.xml")
@bp.get("/services.json")
@limiter.limit("300 per minute", key_func=_partner, scope="open311-read")
def service_list():
    found = services.services_of(request.args.get("jurisdiction_id"), _raw_key())
    return answer([{"service_code": item.code, "service_name": gettext(item.name), "description": item.description,
                     "metadata": False, "type": "realtime", "keywords": "", "group": gettext(item.group)}
                    for item in found], "services")


def _numbers(name: str) -> tuple[int, ...] | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if not all(part.isdecimal() and len(part) < 10 for part in parts):
        raise InvalidInput(N_("Use whole numbers separated by commas."), field=name)
    return tuple(int(part) for part in parts)


def _words(name: str) -> tuple[str, ...] | None:
    value = request.args.get(name, "").strip()
    return tuple(part.strip() for part in value.split(",") if part.strip()) or None if value else None


def _moment(name: str) -> datetime | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(N_("Use a date and time like 2026-06-06T07:21:00+08:00."), field=name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(timezone.utc)


def _status() -> bool | None:
    wanted = set(_words("status") or ())
    if not wanted or wanted == {"open", "closed"}:
        return None
    if not wanted <= {"open", "closed"}:
        raise InvalidInput(N_("status is open, closed or both."), field="status")
    return wanted == {"open"}


def _page(name: str, default: int, most: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or not 1 <= int(value) <= most:
        raise InvalidInput(N_("Use a whole number from 1 to %(most)s."), field=name, most=most)
    return int(value)


def _filters() -> services.Filters:
    return services.Filters(ids=_numbers("service_request_id"), service_codes=_words("service_code"),
                            open=_status(), start=_moment("start_date"), end=_moment("end_date"),
                            page=_page("page", 1, 100_000),
                            page_size=_page("page_size", 50, services.MAX_PAGE_SIZE))


@bp.get("/requests.xml")
@bp.get("/requests.json")
@limiter.limit("300 per minute", key_func=_partner, scope="open311-read")
def request_list():
    code = request.args.get("jurisdiction_id")
    filters = _filters()
    community_id, found = services.cases(code, _raw_key(), filters, utcnow())
    response = answer(_cases_json(found, community_id), "service_requests")
    if len(found) == filters.page_size:
        response.headers["Link"] = f'<{_next_page(filters.page + 1)}>; rel="next"'
    return response


def _next_page(page: int) -> str:
    args = {**request.args.to_dict(), "page": str(page)}
    args.pop("api_key", None)  # a key never travels in a link the partner might log or pass on
    return f"{request.base_url}?{urlencode(args)}"  # the same format as this page


@bp.get("/requests/<int:case_id>.xml")
@bp.get("/requests/<int:case_id>.json")
@limiter.limit("300 per minute", key_func=_partner, scope="open311-read")
def request_detail(case_id: int):
    code = request.args.get("jurisdiction_id")
    community_id, found = services.case(code, _raw_key(), case_id, utcnow())
    return answer(_cases_json([found], community_id), "service_requests")


@bp.post("/requests.xml")
@bp.post("/requests.json")
@limiter.limit("30 per minute", key_func=_partner, scope="open311-write")
def file_request():
    form = request.form
    filing = services.Filing(
        service_code=form.get("service_code", "").strip(), description=form.get("description", ""),
        address=form.get("address_string", ""), latitude=form.get("lat", "").strip(),
        longitude=form.get("long", "").strip(), media_url=form.get("media_url", ""))
    idempotency = request.headers.get("Idempotency-Key", "").strip()[:100]
    case_id = services.file_case(_raw_key(), form.get("jurisdiction_id"), filing, request.files.getlist("media"),
                                 idempotency, utcnow())
    return answer([{"service_request_id": str(case_id), "service_notice": "", "account_id": None}], "service_requests")
