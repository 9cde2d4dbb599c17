"""Static files: content-hashed names, precompressed copies and a year-long cache, served by WhiteNoise.

:func:`build` copies every file of ``training/static`` into the build folder (``instance/static/files`` unless
``STATIC_BUILD_DIR`` says otherwise) twice: under its own name and under a name that carries the first 12 hex
digits of its content's SHA-256 (``css/app.css`` → ``css/app.1a2b3c4d5e6f.css``). Beside each copy go its gzip
and brotli variants (WhiteNoise's compressors; brotli only for the text a browser loads — the fonts are for the
PDFs and get gzip alone). ``manifest.json`` maps each name to its hashed name. The build is incremental (a file
whose size and mtime did not change is not read again), runs under a file lock (several gunicorn workers or test
processes may start at once) and keeps the hashed copies of earlier versions: a page rendered before a deploy
still finds its stylesheet. ``flask static build --prune`` removes what the current files no longer name.

:func:`init_app` builds when the sources changed (at the first start, and after each deploy: ``flask static
build`` in the deploy steps does it before the workers start), makes ``url_for('static', filename=…)`` give the
hashed name, and wraps the WSGI app in WhiteNoise, which answers ``/static/…`` before Flask is reached: the
smallest variant the browser accepts, ``Cache-Control: public, max-age=31536000, immutable`` for hashed names,
a minute for the plain names (nothing of ours links to them), a weak ETag naming the content (one validator for
every coding of the same bytes), and the security headers every answer carries. Pages (HTML) are still gzipped
by Flask-Compress. With ``app.debug`` the build is checked on every request, so an edited stylesheet shows on
reload."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

#: a year, the longest max-age caches are asked to honour (RFC 9111 §5.2.2.1: "no more than one year")
YEAR = 365 * 24 * 60 * 60
IMMUTABLE = f"public, max-age={YEAR}, immutable"
#: plain (unhashed) names: nothing of ours links to them, a minute keeps an old link from looking stale for long
PLAIN_MAX_AGE = 60
HASH_LENGTH = 12
HASHED_NAME = re.compile(rf"\.([0-9a-f]{{{HASH_LENGTH}}})(\.[^./]+)?$")
#: what browsers load; everything else (the PDF fonts) gets gzip only, brotli's best level takes seconds on a font
BROTLI_SUFFIXES = frozenset({".css", ".js", ".svg", ".json", ".txt", ".md", ".html", ".xml", ".map"})
VARIANTS = (".br", ".gz")
MANIFEST_VERSION = 1


def hashed_name(name: str, digest: str) -> str:
    """``css/app.css`` → ``css/app.<digest>.css`` (the last extension stays last, as browsers and servers read it)."""
    stem, extension = posixpath.splitext(name)
    return f"{stem}.{digest}{extension}"


def _write(path: Path, data: bytes) -> None:
    """Write atomically: another process reads either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _compressed(name: str, data: bytes) -> dict[str, bytes]:
    """The variants worth keeping (WhiteNoise's rule: at most 95 % of the original), by suffix."""
    compressor = Compressor(quiet=True)
    if not data or not compressor.should_compress(name):
        return {}
    variants = {}
    if posixpath.splitext(name)[1].lower() in BROTLI_SUFFIXES:
        variants[".br"] = compressor.compress_brotli(data)
    variants[".gz"] = compressor.compress_gzip(data)
    return {suffix: body for suffix, body in variants.items() if len(body) <= len(data) * 0.95}


def _place(files: Path, name: str, data: bytes, variants: dict[str, bytes]) -> None:
    """The variants first, the file itself last: once the file is there, its variants are complete."""
    for suffix in VARIANTS:
        target = files / (name + suffix)
        if suffix in variants:
            _write(target, variants[suffix])
        else:
            target.unlink(missing_ok=True)
    _write(files / name, data)


@dataclass
class BuildResult:
    files: int = 0
    rebuilt: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


class StaticBuild:
    """One source folder and its build folder: ``files/`` (what WhiteNoise serves), ``manifest.json``, ``.lock``."""

    def __init__(self, source: str | Path, target: str | Path):
        self.source = Path(source)
        self.target = Path(target)
        self.files = self.target / "files"
        self.manifest_path = self.target / "manifest.json"
        self.entries: dict[str, dict] = {}
        self.names: dict[str, str] = {}  # plain name → hashed name, what url_for('static', …) links

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.target.mkdir(parents=True, exist_ok=True)
        with open(self.target / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read_manifest(self) -> dict[str, dict]:
        try:
            data = json.loads(self.manifest_path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return data.get("files", {}) if data.get("version") == MANIFEST_VERSION else {}

    def _sources(self) -> Iterator[tuple[str, Path]]:
        for path in sorted(self.source.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.source).as_posix(), path

    def build(self, prune: bool = False) -> BuildResult:
        """Bring the build folder up to date with the sources (cheap when nothing changed: a stat per file)."""
        result = BuildResult()
        with self.locked():
            old = self._read_manifest()
            entries: dict[str, dict] = {}
            for name, path in self._sources():
                stat = path.stat()
                previous = old.get(name)
                if (previous and previous["size"] == stat.st_size and previous["mtime_ns"] == stat.st_mtime_ns
                        and (self.files / name).is_file() and (self.files / previous["hashed"]).is_file()):
                    entries[name] = previous
                    continue
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
                hashed = hashed_name(name, digest)
                if previous is None or previous["hash"] != digest or not (self.files / name).is_file() \
                        or not (self.files / hashed).is_file():
                    variants = _compressed(name, data)
                    if not (self.files / hashed).is_file():
                        _place(self.files, hashed, data, variants)
                    _place(self.files, name, data, variants)
                    result.rebuilt.append(name)
                entries[name] = {"hashed": hashed, "hash": digest, "size": stat.st_size,
                                 "mtime_ns": stat.st_mtime_ns}
            for name in sorted(old.keys() - entries.keys()):  # gone from the sources: its plain name goes too
                for suffix in ("", *VARIANTS):
                    (self.files / (name + suffix)).unlink(missing_ok=True)
                result.removed.append(name)
            if entries != old:
                _write(self.manifest_path, json.dumps({"version": MANIFEST_VERSION, "files": entries},
                                                      indent=1, sort_keys=True).encode())
            if prune:
                result.pruned = self._prune(entries)
            self.entries = entries
            self.names = {name: entry["hashed"] for name, entry in entries.items()}
        result.files = len(entries)
        return result

    def _prune(self, entries: dict[str, dict]) -> list[str]:
        keep = {name + suffix for entry_name, entry in entries.items()
                for name in (entry_name, entry["hashed"]) for suffix in ("", *VARIANTS)}
        pruned = []
        for path in sorted(self.files.rglob("*")):
            name = path.relative_to(self.files).as_posix()
            if path.is_file() and name not in keep:
                path.unlink()
                pruned.append(name)
        return pruned

    def etag_of(self, name: str) -> str | None:
        """A weak validator naming the content: the same for every coding of the same bytes, on every server."""
        entry = self.entries.get(name)
        if entry is not None:
            return f'W/"{entry["hash"]}"'
        match = HASHED_NAME.search(name)
        return f'W/"{match.group(1)}"' if match else None


def _headers_function(build: StaticBuild, extra: Callable[[], dict[str, str]]):
    def add_headers(headers, path: str, url: str) -> None:
        name = Path(path).relative_to(build.files.resolve()).as_posix()
        if HASHED_NAME.search(name) and name not in build.entries:
            headers["Cache-Control"] = IMMUTABLE
        etag = build.etag_of(name)
        if etag:
            headers["ETag"] = etag
        for key, value in extra().items():
            headers.setdefault(key, value)

    return add_headers


def init_app(app: Flask, security_headers: Callable[[], dict[str, str]]) -> StaticBuild:
    target = app.config.get("STATIC_BUILD_DIR") or Path(app.instance_path) / "static"
    build = StaticBuild(app.config.get("STATIC_SOURCE_DIR") or app.static_folder, target)
    build.build()
    app.extensions["static_build"] = build

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = build.names.get(values["filename"], values["filename"])

    if app.debug:
        @app.before_request
        def rebuild_changed_static_files() -> None:
            build.build()

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app, root=build.files.resolve(), prefix=app.static_url_path, max_age=PLAIN_MAX_AGE,
        allow_all_origins=False, autorefresh=app.debug, add_headers_function=_headers_function(build, security_headers))
    return build


static_cli = AppGroup("static", help="Статические файлы: имена с хешем содержимого и сжатые копии.")


@static_cli.command("build")
@click.option("--prune", is_flag=True, help="Удалить копии, на которые текущие файлы больше не ссылаются.")
@with_appcontext
def build_command(prune: bool) -> None:
    """Собрать статические файлы (имена с хешем, gzip и brotli); повторный запуск пересобирает только изменённое."""
    build: StaticBuild = current_app.extensions["static_build"]
    result = build.build(prune=prune)
    click.echo(f"Статические файлы: {result.files} в {build.files}; пересобрано сейчас: {len(result.rebuilt)}"
               + (f"; удалено старых копий: {len(result.pruned)}" if prune else ""))
