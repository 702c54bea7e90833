"""The one web layer every view uses: answer a request with a page or its fragment, turn a domain error
into its 403/404/409/422 answer, and run "form → one service call → 303 / fragment / 422".

A view is then three lines of its own: build the form, name the service call, say where success goes.

    form = CancelForm()
    return submit(form, lambda: services.cancel_order(current_user, order_id, utcnow()),
                  done=lambda order: see_other("kitchen.order_page", order_id=order.id),
                  template="kitchen/order.html", partial="kitchen/_order_status.html",
                  context=lambda: {"order": services.order_for_page(order_id)})
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from .error_pages import render_error
from .errors import DomainError, NotAllowed, NotFound
from .extensions import htmx
from .periods import Period, parse_period
from .spreadsheets import tables_csv, xlsx_bytes

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None
SPREADSHEET_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "csv": "text/csv"}


def is_fragment_request() -> bool:
    """An htmx request that targets part of a page (a boosted link or form wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def render(template: str, *, partial: str | None = None, status: int = 200, **context) -> tuple[str, int]:
    """The full page, or its `_partial.html` for a targeted htmx request; both get the same context."""
    if partial and is_fragment_request():
        return render_template(partial, **context), status
    return render_template(template, **context), status


def see_other(endpoint: str, **values) -> Response:
    """After a change without JavaScript: 303 to the page that shows its result."""
    return redirect(url_for(endpoint, **values), 303)


def month_arg(today: date) -> date:
    """The first day of the month a page was asked for (`?month=2026-05`), or of this month when none or a bad
    one was given."""
    try:
        year, month = (int(part) for part in request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@dataclass(frozen=True)
class RecordsAsked:
    """A list page asked for the records behind a report's figure."""

    period: Period
    community_id: int  # the reader's own unless `?community=` names another (the module's policy decides)
    page: int


def records_asked(today: date) -> RecordsAsked | None:
    """`?year=2026` or `?month=2026-05` (where a report's figure leads), with `?community=` and `?page=`; None when
    no period is asked for. A bad period raises InvalidInput, which the view refuses (422)."""
    period = parse_period(request.args.get("year"), request.args.get("month"), today)
    if period is None:
        return None
    return RecordsAsked(period, request.args.get("community", current_user.community_id, type=int),
                        request.args.get("page", 1, type=int))


def succeeded(message: str, endpoint: str, **values) -> Response:
    """After a change without JavaScript: the page it leads to (303), saying that it worked."""
    flash(message, "success")
    return see_other(endpoint, **values)


def then(message: str, endpoint: str, **values) -> Callable[[Any], Response]:
    """`succeeded` as the `done=` of `submit`."""
    return lambda _result=None: succeeded(message, endpoint, **values)


def press(form: FlaskForm, action: Callable[[], Any], *, success: str | Callable[[Any], str], back: str,
          invalid: str | None = None) -> Response:
    """A button-only form: one service call, then 303 back to `back` with the outcome, or the refusal, flashed
    there. `success` may be worded from the service's result; `invalid` words a form that did not validate
    (without it that is a 400: a button form fails only when it was not sent by our page)."""
    if not form.validate_on_submit():
        if invalid is None:
            abort(400)
        flash(invalid, "error")
        return redirect(back, 303)
    try:
        result = action()
    except DomainError as error:
        return refuse(error, redirect_to=back)
    flash(success(result) if callable(success) else success, "success")
    return redirect(back, 303)


def put_on_form(form: FlaskForm, error: DomainError) -> None:
    """A service's refusal on the field it names, or at the top of the form when the form has no such field
    (a method or attribute of the same name is not a field)."""
    field = form._fields.get(error.field) if error.field else None
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


def refuse(error: DomainError, *, form: FlaskForm | None = None, form_name: str = "form", template: str | None = None,
           partial: str | None = None, redirect_to: str | None = None, context: Context = None,
           explain_forbidden: bool = False) -> Any:
    """The answer to a refused request.

    A record out of reach is 404 and a forbidden act without a field is 403 (the app's error pages answer);
    otherwise the page (or fragment) is shown again with the message on its form or at its top and the
    error's status (409/422); with `redirect_to` the message is flashed on the next page instead (303).
    With `explain_forbidden` a 403 is that page too, with its reason (an act the page itself offers, such as
    removing a role, refused for a reason the reader should read).
    """
    if isinstance(error, NotFound) or error.status == 404:
        abort(404)
    forbidden = isinstance(error, NotAllowed) or error.status == 403
    if forbidden and not (form is not None and error.field) and not (explain_forbidden and template is not None):
        abort(403)
    if template is not None:
        values = dict(_context(context))
        if form is not None:
            put_on_form(form, error)
            values[form_name] = form
        else:
            values.setdefault("page_error", error.message)
        return render(template, partial=partial, status=error.status, **values)
    if redirect_to is not None:
        flash(error.message, "error")
        return redirect(redirect_to, 303)
    return render_error(error.status, error.message)


def submit(form: FlaskForm, action: Callable[[], Any], *, done: Callable[[Any], Any], template: str,
           partial: str | None = None, form_name: str = "form", context: Context = None,
           explain_forbidden: bool = False) -> Any:
    """Validate the form, call the one service, answer: `done(result)` on success, the form again with 422
    when it is invalid, the refusal's answer when a rule refuses."""
    if not form.validate_on_submit():
        return render(template, partial=partial, status=422, **{**_context(context), form_name: form})
    try:
        result = action()
    except DomainError as error:
        return refuse(error, form=form, form_name=form_name, template=template, partial=partial, context=context,
                      explain_forbidden=explain_forbidden)
    return done(result)


def with_trigger(response: Any, event: str) -> Any:
    """Tell other parts of the page that something changed (they listen with hx-trigger="… from:body"), keeping
    the events the answer already announces."""
    answer = make_response(response)
    answer.headers["HX-Trigger"] = _with_event(answer.headers.get("HX-Trigger", ""), event)
    return answer


def _with_event(header: str, event: str) -> str:
    """HX-Trigger is either a comma-separated list of event names or a JSON object of events."""
    header = header.strip()
    if header.startswith("{"):
        events = json.loads(header)
        events.setdefault(event, None)
        return json.dumps(events)
    names = [name.strip() for name in header.split(",") if name.strip()]
    return ", ".join(names if event in names else [*names, event])


def _context(context: Context) -> Mapping[str, Any]:
    if context is None:
        return {}
    return context() if callable(context) else context


def spreadsheet(sheets: list[tuple[str, list]], name: str, wanted: str) -> Response:
    """The one download of a report's tables: an .xlsx workbook (one sheet per table, the header frozen, numbers
    formatted) or the same tables as one CSV (`wanted`), saved as `name`.xlsx or `name`.csv."""
    if wanted not in SPREADSHEET_TYPES:
        abort(404)
    body = xlsx_bytes(sheets) if wanted == "xlsx" else tables_csv(sheets)
    return Response(body, mimetype=SPREADSHEET_TYPES[wanted],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{wanted}"'})
