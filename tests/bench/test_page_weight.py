"""Page weight: a first load (HTML + its CSS and JS, htmx included) within 60 KB gzip; partials a fraction of their page.

The app does not compress responses itself (in production a proxy in front of gunicorn does), so the
bytes are gzip-compressed here, level 6, as such a proxy would.
"""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.pages import PAGE_WEIGHT_BUDGET, PARTIAL_SHARE_BUDGET, PARTIALS

from .conftest import ASSET, get_pages, gzip_size


# Partials that miss the share budget, each with its measured numbers; strict: it fails once the partial is lighter.
KNOWN_HEAVY_PARTIALS: dict[str, str] = {}

# An element that polls: its hx-get, for a trigger that starts with "every".
POLL = re.compile(r'<[^>]*\shx-get="([^"]+)"[^>]*\shx-trigger="every ')
# Query parameters that differ per visit (the version of the list the page shows), not per fragment.
PER_VISIT = {"seen"}


@pytest.fixture(scope="module")
def site(bench_site):
    bench_site.build(100)
    return bench_site


@pytest.mark.parametrize("page", get_pages(), ids=lambda page: page.name)
def test_first_load_within_budget(site, page):
    response = site.get(page.role, page.url(site.targets))
    assert response.status_code == 200
    html = response.get_data()
    assets = ASSET.findall(response.get_data(as_text=True))
    assert any(re.fullmatch(r"/static/vendor/htmx\.min\.[0-9a-f]{12}\.js", path) for path in assets), \
        "htmx is part of every first load"
    sizes = {"html": gzip_size(html)}
    for path in assets:
        asset = site.get(page.role, path)
        assert asset.status_code == 200, path
        sizes[path] = gzip_size(asset.get_data())
        asset.close()
    assert sum(sizes.values()) <= PAGE_WEIGHT_BUDGET, f"{page.name}: {sizes}"


@pytest.mark.parametrize("partial", [
    pytest.param(p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_HEAVY_PARTIALS[p.name])]
                 if p.name in KNOWN_HEAVY_PARTIALS else []) for p in PARTIALS])
def test_partial_is_a_fraction_of_its_page(site, partial):
    full = site.get(partial.role, partial.page_path.format(**site.targets))
    part = site.get(partial.role, partial.partial_path.format(**site.targets), headers={"HX-Request": "true"})
    assert full.status_code == part.status_code == 200
    assert b"<html" in full.get_data() and b"<html" not in part.get_data(), "the partial is a fragment"
    share = gzip_size(part.get_data()) / gzip_size(full.get_data())
    assert share <= PARTIAL_SHARE_BUDGET, f"{partial.name}: {share:.0%} of its page"


def _fragment(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, {k: v for k, v in parse_qs(parts.query).items() if k not in PER_VISIT}


@pytest.mark.parametrize("partial", PARTIALS, ids=lambda p: p.name)
def test_what_the_page_polls_is_the_measured_partial(site, partial):
    """A page that polls a fragment of its own path polls exactly the one measured above (the bell aside)."""
    page = site.get(partial.role, partial.page_path.format(**site.targets)).get_data(as_text=True)
    measured = _fragment(partial.partial_path.format(**site.targets))
    polled = [_fragment(html.unescape(url)) for url in POLL.findall(page)]
    same_path = [fragment for fragment in polled if fragment[0] == measured[0]]
    assert all(fragment == measured for fragment in same_path), (partial.name, same_path, measured)
    if partial.name == "work queue":
        assert same_path, "the work queue polls its status line"
