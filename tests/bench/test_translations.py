"""The cheap translation path (neighbors/i18n.py) translates exactly as flask_babel and Jinja's newstyle gettext do."""
import threading

from flask import render_template_string
from flask_babel import force_locale, get_locale, gettext, lazy_gettext, refresh

from neighbors.i18n import RequestDomain


def test_the_request_reads_the_catalogue_once_and_switches_with_force_locale(app):
    label = lazy_gettext("My orders")
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        assert str(label) == gettext("My orders") == "我的订单"
        assert str(get_locale()) == "zh"
        with force_locale("en"):
            assert str(label) == "My orders"
            assert render_template_string("{{ _('My orders') }}") == "My orders"
        assert str(label) == "我的订单"
        assert render_template_string("{{ _('My orders') }}") == "我的订单"


def test_refresh_forgets_the_requests_catalogue(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}) as context:
        assert gettext("My orders") == "My orders"
        context.request.environ["HTTP_ACCEPT_LANGUAGE"] = "zh"
        context.request.__dict__.pop("accept_languages", None)
        refresh()
        assert gettext("My orders") == "我的订单"


def test_outside_an_app_context_a_lazy_string_is_its_message(app):
    found = {}

    def elsewhere():  # a new thread starts with no Flask context at all
        found["lazy"] = str(lazy_gettext("My orders"))
        found["plain"] = gettext("My orders")

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert found == {"lazy": "My orders", "plain": "My orders"}
    assert isinstance(app.extensions["babel"].instance.domain_instance, RequestDomain)


def test_template_gettext_keeps_the_newstyle_rules(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        page = render_template_string("{{ _('%(n)s homes', n='<b>') }}|{{ _('100%%') }}")
        assert page == "&lt;b&gt; 户|100%"
        page = render_template_string("{{ ngettext('%(num)s apple', '%(num)s apples', 3) }}")
        assert page == "3 apples"


def test_template_gettext_marks_the_translation_safe_and_escapes_only_the_variables(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        gettext_global = app.jinja_env.globals["_"]
        template = app.jinja_env.from_string("{{ _('%(name)s & co', name=name) }}")
        assert template.render(name="<i>") == "&lt;i&gt; & co"
        assert app.jinja_env.globals["gettext"] is gettext_global


def test_pages_in_both_languages(client):
    assert "邻里守望" in client.get("/").get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Neighbors helping neighbors" in english and "邻里守望" not in english
    assert "邻里守望" in client.get("/").get_data(as_text=True)


def test_day_labels_follow_the_requests_language(app):
    from datetime import date

    from neighbors.templating import day_label

    monday = date(2026, 11, 30)
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        assert day_label(monday) == "11月30日 周一"
        with force_locale("en"):
            assert day_label(monday) == "Mon 30 Nov"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert day_label(monday) == "Mon 30 Nov"  # a fresh app context: flask_babel keeps the locale on `g`
