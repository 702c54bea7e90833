"""Static files under content-hashed names (neighbors/static_files.py): kept for a year, renamed when changed."""
import re

from neighbors.static_files import ContentDigests

LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def test_pages_link_hashed_names_that_are_kept_for_a_year(client):
    linked = LINKED.findall(client.get("/auth/login").get_data(as_text=True))
    assert "/static/css/app.css" not in linked
    stylesheet = next(path for path in linked if re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", path))
    hashed = client.get(stylesheet)
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/css/app.css")
    assert plain.get_data() == hashed.get_data()
    assert "immutable" not in plain.headers["Cache-Control"]


def test_a_name_of_an_older_version_gets_the_current_file_for_a_short_while(client):
    response = client.get("/static/css/app.000000000000.css")
    assert response.status_code == 200
    assert response.get_data() == client.get("/static/css/app.css").get_data()
    assert "immutable" not in response.headers["Cache-Control"]
    assert client.get("/static/css/missing.000000000000.css").status_code == 404
    assert client.get("/static/..%2finstance/neighbors.000000000000.css").status_code == 404


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "app.css"
    sheet.write_text("body { color: black }")
    digests = ContentDigests(str(tmp_path))
    first = digests.hashed("css/app.css")
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", first)
    assert digests.hashed("css/app.css") == first
    sheet.write_text("body { color: navy }\n")
    assert digests.hashed("css/app.css") != first
    assert digests.hashed("css/missing.css") == "css/missing.css"
