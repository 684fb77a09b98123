"""The app shell's static facts: catalogues, size budget (P5), precache list."""
import json
import re
from pathlib import Path

from tests.support.shell import PWA

SHELL_SUFFIXES = {".html", ".js", ".css", ".json", ".webmanifest"}
# P5 weighs the shell's code: every HTML, JS and CSS file (the string catalogue and the
# manifest are data, precached beside it)
CODE_SUFFIXES = {".html", ".js", ".css"}
SHELL_BUDGET = 200 * 1024


def shell_files() -> list[Path]:
    return sorted(p for p in PWA.rglob("*") if p.is_file() and p.suffix in SHELL_SUFFIXES
                  and "icons" not in p.relative_to(PWA).parts)


def strings() -> dict:
    """The phone's strings, "group.key" → [zh, en] (i18n/strings.json: {group: {key: [zh, en]}})."""
    groups = json.loads((PWA / "i18n" / "strings.json").read_text(encoding="utf-8"))
    return {f"{group}.{key}": pair for group, texts in groups.items() for key, pair in texts.items()}


def catalogue(lang: str) -> dict:
    return {key: pair[["zh", "en"].index(lang)] for key, pair in strings().items()}


def test_every_string_is_in_both_languages():
    assert all(isinstance(pair, list) and len(pair) == 2
               and all(isinstance(text, str) and text.strip() for text in pair)
               for pair in strings().values())


def test_catalogues_use_the_same_placeholders():
    zh, en = catalogue("zh"), catalogue("en")
    for key in zh:
        assert set(re.findall(r"\{(\w+)\}", zh[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_every_string_the_code_asks_for_is_in_the_catalogue():
    keys = set(catalogue("zh"))
    used = set()
    for path in PWA.rglob("*.js"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no t() calls found"
    assert used <= keys, sorted(used - keys)
    states = ["draft", "editing", "waiting", "push_rejected", "reshoot", "sent",
              "received", "approved", "rejected", "has_issues"]
    assert {f"state.{s}" for s in states} <= keys


def test_app_shell_is_within_200_kb():
    total = sum(p.stat().st_size for p in shell_files() if p.suffix in CODE_SUFFIXES)
    assert total <= SHELL_BUDGET, f"app shell is {total} bytes"


def test_service_worker_precaches_exactly_the_shell_and_icons():
    sw = (PWA / "sw.js").read_text(encoding="utf-8")
    listed = set(re.findall(r'"([^"]+\.(?:html|js|css|json|webmanifest|png|svg))"',
                            sw.split("const SHELL = [")[1].split("];")[0]))
    on_disk = {p.relative_to(PWA).as_posix() for p in shell_files()} - {"sw.js"}
    on_disk |= {p.relative_to(PWA).as_posix() for p in (PWA / "icons").iterdir()}
    assert listed == on_disk
    assert re.search(r'const VERSION = "[^"]+"', sw)


def test_index_is_chinese_first_and_installable():
    html = (PWA / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    manifest = json.loads((PWA / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] and manifest["start_url"] and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert (PWA / icon["src"]).is_file()


def test_index_preloads_every_module_so_an_offline_start_is_one_step():
    html = (PWA / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    modules = {p.relative_to(PWA).as_posix() for p in PWA.rglob("*.js")} - {"sw.js", "app.js"}
    assert preloaded == modules


def shell_digest() -> str:
    """What VERSION in sw.js must be: a digest of every precached file, so a shell change
    that forgets to bump the version (and so never reaches phones) fails here."""
    import hashlib
    digest = hashlib.sha256()
    files = [p for p in shell_files() if p.name != "sw.js"] + sorted((PWA / "icons").iterdir())
    for path in sorted(files):
        digest.update(path.relative_to(PWA).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def test_service_worker_version_follows_the_shell_content():
    sw = (PWA / "sw.js").read_text(encoding="utf-8")
    version = re.search(r'const VERSION = "([^"]+)"', sw).group(1)
    assert version == shell_digest(), f'set const VERSION = "{shell_digest()}" in pwa/sw.js'
