"""Each module keeps its own message catalogue; this extracts, updates and checks them.

    python -m neighbors.i18n_catalogs update [kitchen]   # after changing strings (one module's)
    python -m neighbors.i18n_catalogs check    # exits 1 if a message lacks a translation
"""
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .config import ROOT

LOCALES = ("zh", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
            "lazy_ngettext": (1, 2)}
MODULES = ("kitchen", "mutualaid", "alleys", "staff", "visits", "registers", "open311", "assessment")


def catalogues() -> dict[Path, list[tuple[Path, list[tuple[str, str]]]]]:
    """Catalogue folder -> the (folder, method map) pairs whose strings it holds."""
    python = [("**.py", "python")]
    jinja = [("**.html", "jinja2.ext:babel_extract")]
    found: dict[Path, list] = {
        ROOT / "neighbors" / "translations": [
            (ROOT / "neighbors", [(f"{m}/**", "ignore") for m in MODULES] + python),
            (ROOT / "templates", [(f"{m}/**", "ignore") for m in MODULES] + jinja),
        ]
    }
    for module in MODULES:
        found[ROOT / "neighbors" / module / "translations"] = [
            (ROOT / "neighbors" / module, python),
            (ROOT / "templates" / module, jinja),
        ]
    return found


def extract(sources) -> Catalog:
    template = Catalog(project="neighbors", charset="utf-8")
    for folder, method_map in sources:
        if not folder.exists():
            continue
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), method_map, keywords=KEYWORDS, options_map={"**.html": {"extensions": "jinja2.ext.do"}}
        ):
            template.add(message, None, [(str(Path(folder.name) / filename), lineno)],
                         auto_comments=comments, context=context)
    return template


def po_path(folder: Path, locale: str) -> Path:
    return folder / locale / "LC_MESSAGES" / "messages.po"


def load(folder: Path, locale: str) -> Catalog:
    path = po_path(folder, locale)
    if not path.exists():
        return Catalog(locale=locale, project="neighbors", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update(only: str | None = None) -> None:
    """Re-extract messages into the .po files (of one module's catalogue when `only` is given)."""
    for folder, sources in catalogues().items():
        if only and _owner(folder) != only:
            continue
        template = extract(sources)
        for locale in LOCALES:
            catalog = load(folder, locale)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            catalog.fuzzy = False
            if locale == "en":
                for message in catalog:
                    if message.id and not _translated(message):
                        message.string = message.id
            path = po_path(folder, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=0, sort_output=True)


def _owner(folder: Path) -> str:
    return "neighbors" if folder.parent.name == "neighbors" and folder.parent.parent == ROOT else folder.parent.name


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def missing() -> list[str]:
    """Every extracted message that a catalogue lacks or leaves untranslated or fuzzy."""
    problems = []
    for folder, sources in catalogues().items():
        template = extract(sources)
        for locale in LOCALES:
            catalog = load(folder, locale)
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context)
                if found is None or not _translated(found) or found.fuzzy:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    problems.append(f"{folder.relative_to(ROOT)} [{locale}]: {key}")
    return problems


def conflicts() -> list[str]:
    """Catalogues share one gettext domain, so one msgid must mean the same everywhere."""
    seen: dict[str, tuple[str, Path]] = {}
    problems = []
    for folder in catalogues():
        for message in load(folder, "zh"):
            if not message.id or not isinstance(message.id, str) or not message.string:
                continue
            key = (message.context or "") + "\x04" + message.id
            if key in seen and seen[key][0] != message.string:
                problems.append(f"{message.id!r}: {seen[key][0]!r} in {seen[key][1].relative_to(ROOT)}, "
                                f"{message.string!r} in {folder.relative_to(ROOT)}")
            seen.setdefault(key, (message.string, folder))
    return problems


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update(sys.argv[2] if len(sys.argv) > 2 else None)
    problems = missing() + conflicts()
    for line in problems:
        print(line)
    if command == "check" and problems:
        sys.exit(1)
