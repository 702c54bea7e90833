"""A survey of every GET page of the app, opened in Chromium as the demo login who may see it.

The page list comes from the app itself: every GET rule of `app.url_map`, its `<id>`s filled
from demo rows of the login's community, tried with the demo logins likeliest to see it (plain
HTTP first, which is quick), then opened in the browser 360 px wide (the narrowest phone people
still use) in standard mode and in elder mode. On each page axe-core runs and MEASURE (below)
takes the size of every text and every control, numbers broken across lines, anything wider than
the screen and any emoji, so the accessibility and elder-mode tests read one crawl instead of
making several.
"""
import contextlib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa

from tests.browser.conftest import PageProblems, shot

DEMO_PASSWORD = "demo1234"
NARROW = {"width": 360, "height": 780}
MODES = ("standard", "elder")
VIEWPORTS = {"standard": NARROW, "elder": NARROW}  # the narrowest phone people still use
SERIOUS = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"]}
EVERY_PAGE_SHOT = os.environ.get("NEIGHBORS_SCREENSHOTS") == "all"  # `make screenshots` sets it

# Demo logins (see neighbors/demo.py) by who most likely uses a part of the site, best first.
STAFF_ZHENHAI, KITCHEN, VOLUNTEER, ELDER, PATROLLER, OFFICER = (
    "13900000001", "13900000002", "13900000003", "13900000004", "13900000005", "13900000006")
RESIDENT_LUJIANG, STAFF_LUJIANG, ADMIN, DAUGHTER = "13900000007", "13900000008", "13900000009", "13900000011"
GRID_WORKER = "13900000013"
STREET = "13900000015"  # 鹭江街道's officer: the registers of its communities side by side
ANONYMOUS = None
PREFERRED = [  # (path prefix, logins to try first)
    ("/auth/login", [ANONYMOUS]),
    ("/auth/register", [ANONYMOUS]),
    ("/kitchen/manage", [KITCHEN, STAFF_ZHENHAI]),
    ("/kitchen", [DAUGHTER, ELDER, KITCHEN, STAFF_ZHENHAI]),
    ("/aid/manage", [STAFF_ZHENHAI, ADMIN]),
    ("/aid", [DAUGHTER, VOLUNTEER, ELDER, STAFF_ZHENHAI]),
    ("/alleys/manage", [STAFF_LUJIANG, STAFF_ZHENHAI]),
    ("/alleys", [PATROLLER, OFFICER, STAFF_LUJIANG, RESIDENT_LUJIANG]),
    ("/visits", [GRID_WORKER, STAFF_ZHENHAI]),
    ("/staff/district", [ADMIN]),
    ("/staff/registers/street", [STREET, ADMIN]),
    ("/staff/registers/bulletin", [STREET, STAFF_ZHENHAI]),
    ("/staff", [STAFF_ZHENHAI, STAFF_LUJIANG, ADMIN]),
    ("/", [ELDER]),
]
ALL_LOGINS = [f"139000000{n:02d}" for n in range(1, 16)]  # every demo login of neighbors/demo.py
FALLBACK = [STAFF_ZHENHAI, STAFF_LUJIANG, ADMIN]  # who else may see a page nobody above could
TABLE_PREFIX = {"kitchen": "kitchen_", "mutualaid": "mutualaid_", "alleys": "alleys_", "staff": "",
                "visits": "visits_"}
NOT_PAGES = {"static"}
ROWS_TRIED = 6

# Pages the foundation owes, whatever the modules do: (label, path, login, expected status).
EXTRA_PAGES = [
    ("home, not logged in", "/", ANONYMOUS, 200),
    ("error 404", "/this-page-does-not-exist", ANONYMOUS, 404),
    ("error 403", "/staff/", ELDER, 403),
]

# What the survey measures on every page (all in CSS px, at the page's own viewport):
# - main text: every visible piece of text on the page — headings, paragraphs, labels, list, table and card text,
#   hints, tags, buttons, links, the header, navigation and footer — by the font size it is drawn at (an SVG
#   chart's text by its size after the chart is scaled); nothing is left out for being "secondary";
# - main controls: everything a finger presses — buttons and links styled as buttons, tiles, navigation links,
#   links standing alone (a link that is not part of a sentence: its block holds no other text), summaries of
#   folded sections, text fields and selects, and each radio button and checkbox through the box of its label
#   (the box a finger can press; the bare input when it has no label);
# - broken numbers: a run of digits (with its ¥, decimal point, thousands comma, colon, slash, dash or %)
#   drawn on more than one line (digits inside a web address are not a number);
# - wide elements: anything reaching past the right edge of the screen, outside a box that scrolls on its own;
# - emoji: any character Unicode marks as emoji (whatever its default presentation; the keycap bases 0-9 # *
#   aside), in the page's text, its form values, its title and its CSS-generated content;
# - broken names: a person's name (an element of class `name`, as the templates mark names in tables) drawn on more
#   than one line;
# - filled buttons: the visible buttons, tiles and submit inputs drawn in the primary fill (the background of a plain
#   `.button`, or its hover shade), whatever their classes: the page's main actions.
MEASURE = """() => {
  const clipped = (el) => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.position === "absolute" && style.clip === "rect(0px, 0px, 0px, 0px)") return true;  // .visually-hidden
      if (style.opacity === "0") return true;  // drawn invisible (a file input under its big button)
    }
    return false;
  };
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none" && !clipped(el);
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " ");
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return el.tagName.toLowerCase() + cls + ' "' + text.slice(0, 40) + '"';
  };
  const textNodes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    {acceptNode: (node) => node.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT});
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"].includes(parent.tagName)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (rects.length && getComputedStyle(parent).visibility !== "hidden" && !clipped(parent)) textNodes.push({node, parent, rects});
  }
  // main text: the size each visible text is drawn at
  const texts = textNodes.map(({node, parent}) => {
    let size = parseFloat(getComputedStyle(parent).fontSize);
    const svg = parent.closest("svg");
    if (svg && svg.getScreenCTM()) { const m = svg.getScreenCTM(); size = size * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)); }
    return {what: describe(parent), text: node.nodeValue.trim().slice(0, 30), size: size};
  });
  const fieldSizes = [...document.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea")]
    .filter(visible).map((el) => ({what: describe(el), text: el.value || el.placeholder || "", size: parseFloat(getComputedStyle(el).fontSize)}));
  // main controls
  const aloneLink = (a) => {
    const block = a.parentElement && a.parentElement.closest("p, li, dd, td, th, div, h1, h2, h3, h4, span, label, nav, header, footer, section, main");
    if (!block) return true;
    const own = (block.innerText || "").replace(/\\s+/g, "");
    const links = [...block.querySelectorAll("a")].map((x) => (x.innerText || "").replace(/\\s+/g, "")).join("");
    return own === links;
  };
  const controls = new Set();
  document.querySelectorAll(".button, button, input[type=submit], input[type=button], input[type=reset], .tile, summary, "
      + "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea").forEach((el) => controls.add(el));
  document.querySelectorAll("a[href]").forEach((a) => { if (aloneLink(a)) controls.add(a); });
  document.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((input) => {
    const label = input.closest("label") || (input.id && document.querySelector('label[for="' + CSS.escape(input.id) + '"]'));
    controls.add(label || input);
  });
  const targets = [...controls].filter(visible).filter((el) => !el.closest(".skip")).map((el) => {
    const box = el.getBoundingClientRect();
    return {what: describe(el), width: box.width, height: box.height};
  });
  // numbers drawn on more than one line
  const lines = (range) => {
    const rows = [];
    for (const r of range.getClientRects()) {
      if (r.width > 0 && !rows.some((top) => Math.abs(top - r.top) < r.height / 2)) rows.push(r.top);
    }
    return rows.length;
  };
  const broken = [];
  const number = /[¥￥]?\\d+(?:[.,:\\/\\-]\\d+)*%?/g;
  for (const {node, parent} of textNodes) {
    for (const match of node.nodeValue.matchAll(number)) {
      if (match[0].length < 2) continue;
      const token = node.nodeValue.slice(0, match.index).split(/\\s/).pop() + node.nodeValue.slice(match.index).split(/\\s/)[0];
      if (token.includes("://")) continue;  // a web address is not a number: it may break where it must
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rows = lines(range);
      if (rows > 1) broken.push(describe(parent) + ": " + match[0] + " on " + rows + " lines");
    }
  }
  // people's names drawn on more than one line
  const names = [...document.querySelectorAll(".name")].filter(visible);
  const brokenNames = names.map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rows = lines(range);
    return rows > 1 ? describe(el) + " on " + rows + " lines" : null;
  }).filter(Boolean);
  // buttons drawn in the primary fill: a plain .button's background, or its hover shade
  const probe = document.body.appendChild(Object.assign(document.createElement("span"), {className: "button"}));
  probe.style.display = "none";
  const fills = [getComputedStyle(probe).backgroundColor];
  probe.style.backgroundColor = "var(--green-dark)";
  fills.push(getComputedStyle(probe).backgroundColor);
  probe.remove();
  const filled = [...document.querySelectorAll(".button, .tile, button, input[type=submit], input[type=button]")]
    .filter((el) => visible(el) && !el.closest(".skip") && fills.includes(getComputedStyle(el).backgroundColor))
    .map(describe);
  // wider than the screen
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return up !== document.documentElement && up !== document.body;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => visible(el) && !scrolls(el)
      && el.getBoundingClientRect().right > width + 0.5).map((el) => describe(el) + " right=" + Math.round(el.getBoundingClientRect().right));
  // emoji
  const emoji = /(?![0-9#*\\u200d\\ufe0f])\\p{Emoji}/u;
  const emojiFound = [];
  const look = (where, text) => { const m = text && text.match(emoji); if (m) emojiFound.push(where + ": " + m[0] + " in " + JSON.stringify(text.trim().slice(0, 40))); };
  look("title", document.title);
  for (const {node, parent} of textNodes) look(describe(parent), node.nodeValue);
  document.querySelectorAll("input, textarea, option").forEach((el) => { look(describe(el), el.value); look(describe(el), el.placeholder || ""); look("option", el.tagName === "OPTION" ? el.textContent : ""); });
  document.querySelectorAll("body *").forEach((el) => {
    for (const pseudo of ["::before", "::after", "::marker"]) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content !== "none" && content !== "normal") look(describe(el) + pseudo, content);
    }
  });
  return {
    font: parseFloat(getComputedStyle(document.body).fontSize),
    texts: texts.concat(fieldSizes),
    scrollWidth: document.documentElement.scrollWidth,
    targets: targets,
    broken: broken.slice(0, 12),
    wide: wide.slice(0, 8),
    emoji: emojiFound.slice(0, 8),
    names: names.length,
    brokenNames: brokenNames.slice(0, 12),
    filled: filled,
  };
}"""


@dataclass
class Target:
    label: str  # the url rule, or a name for the extra pages
    endpoint: str
    path: str
    login: str | None
    status: int = 200


@dataclass
class PageReport:
    target: Target
    mode: str
    violations: list[dict] = field(default_factory=list)
    measures: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def where(self) -> str:
        return f"{self.target.path} as {self.target.login or 'visitor'} ({self.mode})"


@dataclass
class Survey:
    targets: list[Target] = field(default_factory=list)
    not_visited: list[tuple[str, str]] = field(default_factory=list)  # (rule, why)
    reports: list[PageReport] = field(default_factory=list)
    cookies: dict[str, list[dict]] = field(default_factory=dict)  # each demo login's session
    seconds: dict[str, float] = field(default_factory=dict)  # where the crawl's time went

    def in_mode(self, mode: str) -> list[PageReport]:
        return [report for report in self.reports if report.mode == mode]

    def summary(self) -> list[str]:
        lines = [f"{len(self.targets)} pages checked in {', '.join(MODES)} mode:"]
        lines += [f"  {t.path}  [{t.endpoint}] as {t.login or 'visitor'}" for t in self.targets]
        lines.append(f"{len(self.not_visited)} GET rules not visited:")
        lines += [f"  {rule}: {why}" for rule, why in self.not_visited]
        slowest = sorted(self.reports, key=lambda report: -report.seconds)[:5]
        lines.append("slowest: " + ", ".join(f"{report.where} {report.seconds:.1f}" for report in slowest))
        lines.append("seconds: " + ", ".join(f"{step} {spent:.1f}" for step, spent in self.seconds.items()))
        return lines

    @contextlib.contextmanager
    def timed(self, step: str):
        start = time.monotonic()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.monotonic() - start


# --- which pages, as whom ------------------------------------------------------------------

def logged_in_session(base_url: str, phone: str | None) -> requests.Session:
    http = requests.Session()
    if phone is None:
        return http
    page = http.get(base_url + "/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = http.post(base_url + "/auth/login", data={"csrf_token": token, "phone": phone,
                                                       "password": DEMO_PASSWORD}, allow_redirects=False)
    if answer.status_code != 303:
        raise RuntimeError(f"demo login {phone} failed: {answer.status_code}")
    return http


def logins_for(path: str) -> list[str | None]:
    first = next(logins for prefix, logins in PREFERRED if path.startswith(prefix))
    return first + [phone for phone in FALLBACK if phone not in first]


def rule_arguments(rule) -> list[tuple[str, str]]:
    """The rule's parameters in path order, with their converter."""
    found = re.findall(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>", rule.rule)
    return [(name, converter or "default") for converter, name in found]


def table_for(argument: str, blueprint: str | None, metadata) -> tuple[sa.Table, str] | None:
    """The demo table (and column) a URL parameter names: meal_id -> kitchen_meals.id."""
    prefix = TABLE_PREFIX.get(blueprint or "", "")
    tables = list(metadata.tables.values())
    if argument.endswith("_id"):
        stem = argument[:-3]
        plurals = (stem + "s", stem + "es")  # meals, branches
        exact = [t for t in tables if prefix and t.name in {prefix + plural for plural in plurals}]
        in_module = [t for t in tables if prefix and t.name.startswith(prefix)
                     and t.name.endswith(tuple("_" + plural for plural in plurals))]  # alleys_finding_photos
        shared = [t for t in tables if t.name in plurals]  # users
        found = exact or in_module or shared
        return (found[0], "id") if found else None
    for table in tables:
        if table.name.startswith(prefix or "\0") and argument in table.columns:
            return table, argument
    return None


def candidate_values(rule, community_id: int, metadata) -> tuple[list[dict], str | None]:
    """Up to ROWS_TRIED sets of parameter values from demo rows; or why there are none."""
    arguments = rule_arguments(rule)
    combos: list[dict] = [{}]
    for name, _converter in arguments:
        found = table_for(name, rule.endpoint.split(".")[0], metadata)
        if found is None:
            return [], f"no demo table for <{name}>"
        table, column = found
        grown = []
        for combo in combos:
            query = sa.select(table.c[column])
            if "community_id" in table.c:
                query = query.where(table.c.community_id == community_id)
            for parent, value in combo.items():
                if parent in table.c:
                    query = query.where(table.c[parent] == value)
            if table.name == "users":
                query = query.order_by(table.c.phone.is_(None), table.c.id)
            else:  # the newest row: an upcoming meal, a current order, a fresh case
                query = query.order_by(table.c[column].desc())
            values = _scalars(query, ROWS_TRIED if not combo else 3)
            grown += [{**combo, name: value} for value in values]
        combos = grown[:ROWS_TRIED]
        if not combos:
            return [], f"no demo row in {table.name}"
    return combos, None


def _scalars(query, limit: int) -> list:
    from neighbors.extensions import db

    return list(db.session.scalars(query.limit(limit)))


def is_full_page(response) -> bool:
    return (response.status_code == 200 and response.headers.get("Content-Type", "").startswith("text/html")
            and "<html" in response.text[:500].lower())


def plan(app, base_url: str) -> Survey:
    """Find, for each GET rule, a login and parameters that open it as a full HTML page.

    The candidates come from the database here; the HTTP probes then run a few rules at a time.
    """
    from neighbors.extensions import db
    from neighbors.models import User

    community_of = dict(db.session.execute(sa.select(User.phone, User.community_id)
                                           .where(User.phone.in_(ALL_LOGINS))).all())
    rules = sorted((rule for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and rule.endpoint not in NOT_PAGES), key=lambda r: r.rule)
    tries: dict[int, list] = {}  # rule's index -> [(phone, path) or (False, why there is no row)], best first
    for index, rule in enumerate(rules):
        tries[index] = []
        for phone in logins_for(rule.rule):
            combos, why_none = candidate_values(rule, community_of[phone or ELDER], db.metadata)
            tries[index] += [(phone, _build_path(rule, values)) for values in combos] or [(False, why_none)]
    phones = sorted({phone for attempts in tries.values() for phone, _ in attempts if phone is not False},
                    key=lambda phone: phone or "")
    with ThreadPoolExecutor(max_workers=4) as pool:
        sessions = dict(zip(phones, pool.map(lambda phone: logged_in_session(base_url, phone), phones)))

    def probe(index: int) -> tuple[Target | None, list[str]]:
        rule, seen = rules[index], []
        for phone, path in tries[index]:
            if phone is False:
                seen.append(path)
                continue
            try:
                response = sessions[phone].get(base_url + path, allow_redirects=False)
            except requests.ConnectionError:  # a busy machine: one more try, then it counts
                response = sessions[phone].get(base_url + path, allow_redirects=False)
            if is_full_page(response):
                return Target(rule.rule, rule.endpoint, path, phone), seen
            seen.append(_what(response))
        return None, seen

    survey = Survey()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for rule, (chosen, seen) in zip(rules, pool.map(probe, range(len(rules)))):
            if chosen:
                survey.targets.append(chosen)
            else:
                survey.not_visited.append((rule.rule, _why(seen)))
    for label, path, phone, status in EXTRA_PAGES:
        survey.targets.append(Target(label, label, path, phone, status))
    for phone, session in sessions.items():
        if phone:
            survey.cookies[phone] = [{"name": cookie.name, "value": cookie.value, "url": base_url}
                                     for cookie in session.cookies]
        session.close()
    return survey


def _build_path(rule, values: dict) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + name + ">", str(value), path)
    return path


def _what(response) -> str:
    if response.status_code == 200:
        kind = response.headers.get("Content-Type", "").split(";")[0]
        return "a fragment, not a page" if kind == "text/html" else f"not a page ({kind})"
    return f"HTTP {response.status_code}"


def _why(seen: list[str]) -> str:
    if not seen:
        return "nobody to try"
    counts: dict[str, int] = {}
    for reason in seen:
        counts[reason] = counts.get(reason, 0) + 1
    return ", ".join(f"{reason} ×{n}" if n > 1 else reason for reason, n in counts.items())


# --- the crawl ------------------------------------------------------------------------------

def crawl(browser, base_url: str, survey: Survey, context_args: dict) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    by_login: dict[str | None, list[Target]] = {}
    for target in survey.targets:
        by_login.setdefault(target.login, []).append(target)
    for mode in MODES:
        for phone, targets in by_login.items():
            context = browser.new_context(**{**context_args, "viewport": VIEWPORTS[mode]})
            context.add_init_script(script=axe.axe_script)  # in every page before it loads: much quicker than after
            context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": base_url},
                                 *survey.cookies.get(phone, [])])
            page = context.new_page()
            watcher = PageProblems()
            watcher.watch(page)
            try:
                for target in targets:
                    survey.reports.append(_visit(page, base_url, target, mode, watcher, survey))
            finally:
                context.close()


def _visit(page, base_url: str, target: Target, mode: str, watcher: PageProblems, survey: Survey) -> PageReport:
    report = PageReport(target, mode)
    started = time.monotonic()
    errors_before, failures_before = len(watcher.console_errors), len(watcher.failed_requests)
    with survey.timed("open"):
        response = page.goto(base_url + target.path, wait_until="load")
    if response is None or response.status != target.status:
        report.problems.append(f"answered {response.status if response else 'nothing'}, expected {target.status}")
    with survey.timed("axe"):
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    report.violations = [violation for violation in results["violations"] if violation.get("impact") in SERIOUS]
    with survey.timed("measure"):
        report.measures = page.evaluate(MEASURE)
    if EVERY_PAGE_SHOT:
        with survey.timed("screenshot"):
            shot(page, f"pages-{mode}-{_slug(target)}")
    expected = f"status of {target.status} " if target.status != 200 else None
    report.problems += [text for text in watcher.console_errors[errors_before:] if not expected or expected not in text]
    report.problems += watcher.failed_requests[failures_before:]
    report.seconds = time.monotonic() - started
    return report


def _slug(target: Target) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", target.endpoint.lower()).strip("-")


def run(app, browser, base_url: str, context_args: dict) -> Survey:
    """Empty the database, load the demo data, plan and crawl (on the suite's running server)."""
    from neighbors import demo
    from neighbors.extensions import db
    from tests.conftest import empty_all_tables

    started = time.monotonic()
    empty_all_tables()
    demo.build()
    db.session.commit()
    demo_seconds = time.monotonic() - started
    started = time.monotonic()
    survey = plan(app, base_url)
    survey.seconds = {"demo data": demo_seconds, "plan": time.monotonic() - started}
    crawl(browser, base_url, survey, context_args)
    return survey
