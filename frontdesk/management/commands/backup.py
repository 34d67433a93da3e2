"""Back up the database and the uploaded files into one archive (`make backup`).

The archive is a plain tar that `tar tf` lists and `manage.py restore` (`make restore
FILE=…`) reads back:

    db.dump         pg_dump in custom format (-Fc) of the database of DATABASE_URL
    media/…         every file under MEDIA_ROOT
    manifest.json   when, which database, row counts per table, migration state, and the
                    size and SHA-256 of db.dump and of each file, which restore checks

The row counts are read in the very snapshot pg_dump dumps (pg_export_snapshot), so they
describe the dump exactly even while the desk keeps writing, and restore can prove that
every row came back. The helpers here are shared with the restore command.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from psycopg import sql
from psycopg.conninfo import make_conninfo

FORMAT = "frontdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "db.dump"
MEDIA = "media"

# libpq parameters a DATABASE_URL can carry, and the variables pg_dump and pg_restore read
# them from: the password then never appears on a command line (`ps` shows those).
LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
CHUNK = 1024 * 1024


def connection_params(dbname: str | None = None) -> dict[str, str]:
    """libpq parameters of the default database (or of another database on its server)."""
    db = settings.DATABASES["default"]
    params = {
        "dbname": dbname or db["NAME"],
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    for key, value in (db.get("OPTIONS") or {}).items():
        if key in LIBPQ_ENV:
            params[key] = value
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def describe(params: dict[str, str]) -> str:
    server = f"{params.get('host', 'local socket')}:{params.get('port', '5432')}"
    return f"database {params['dbname']} on {server}"


def connect(dbname: str | None = None, **kwargs) -> psycopg.Connection:
    params = connection_params(dbname)
    params.setdefault("connect_timeout", "5")
    try:
        return psycopg.connect(**params, **kwargs)
    except psycopg.OperationalError as exc:
        detail = " ".join(line.strip() for line in str(exc).splitlines()) or "no detail"
        raise CommandError(f"Cannot connect to {describe(params)}: {detail}") from exc


def pg_env(params: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the connection without the database name,
    which goes on the command line as a conninfo string (so a name with "=" stays a name)."""
    env = dict(os.environ)
    env.update({LIBPQ_ENV[key]: value for key, value in params.items() if key in LIBPQ_ENV})
    env.update(extra)
    return env


def find_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} not found on PATH. Install the PostgreSQL client tools of the server's "
            "major version or newer (Debian: apt-get install postgresql-client)."
        )
    return path


def run_program(args: list[str], env: dict[str, str], what: str) -> str:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True)
    except OSError as exc:
        raise CommandError(f"{what} could not start: {exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip() or "no message"
        raise CommandError(f"{what} failed (exit {result.returncode}):\n{detail}")
    return result.stdout


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row count of every table outside PostgreSQL's own schemas, "schema.table"."""
    tables = conn.execute(
        """
        SELECT n.nspname, c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1, 2
        """
    ).fetchall()
    counts = {}
    for schema, table in tables:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def applied_migrations(conn: psycopg.Connection) -> dict[str, list[str]]:
    if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None:
        return {}
    state: dict[str, list[str]] = {}
    for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY app, id"):
        state.setdefault(app, []).append(name)
    return state


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashingReader:
    """Hashes a file while tarfile copies it, so each file is read once and its checksum
    is the one of the bytes that went into the archive."""

    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def size_label(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # The machine's user and group names mean nothing where the archive is restored.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc) and the uploaded files (MEDIA_ROOT) into one "
        "archive, backups/frontdesk-YYYYmmdd-HHMMSS.tar (BACKUP_DIR overrides the folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="backup_dir",
            default=os.environ.get("BACKUP_DIR") or None,
            help="Folder for the archive (default: $BACKUP_DIR, else backups/ in the project).",
        )

    def handle(self, *args, backup_dir: str | None, **options):
        pg_dump = find_program("pg_dump")
        folder = Path(backup_dir) if backup_dir else Path(settings.BASE_DIR) / "backups"
        media_root = Path(settings.MEDIA_ROOT)
        # Backups hold residents' personal data: only their owner may read them.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        started = timezone.localtime()
        target = folder / f"frontdesk-{started:%Y%m%d-%H%M%S}.tar"
        if target.exists():
            raise CommandError(f"{target} already exists; try again in a second.")
        params = connection_params()

        work = Path(tempfile.mkdtemp(prefix=".frontdesk-backup-", dir=folder))
        try:
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": started.isoformat(timespec="seconds"),
                **self.dump(pg_dump, params, work / DUMP),
            }
            manifest["media_root"] = str(media_root)
            partial = work / "archive.tar"
            self.write_archive(partial, work / DUMP, media_root, folder, manifest)
            # Renamed only when complete: a file named frontdesk-*.tar is never half-written.
            os.replace(partial, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)

        rows = sum(manifest["tables"].values())
        files = manifest["media"]
        self.stdout.write(
            f"Backed up {describe(params)}: {counted(len(manifest['tables']), 'table')}, "
            f"{counted(rows, 'row')}; {counted(len(files), 'uploaded file')} "
            f"({size_label(sum(f['size'] for f in files))}) "
            f"from {media_root}."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Archive: {target} ({size_label(target.stat().st_size)})")
        )

    def dump(self, pg_dump: str, params: dict[str, str], dump_path: Path) -> dict:
        """pg_dump the database, and describe what it dumped from the same snapshot."""
        with connect(autocommit=False) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            run_program(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={dump_path}",
                    f"--dbname={make_conninfo(dbname=params['dbname'])}",
                ],
                pg_env(params),
                "pg_dump",
            )
            tables = table_counts(conn)
            migrations = applied_migrations(conn)
            server_version = conn.execute("SHOW server_version").fetchone()[0]
        version = run_program([pg_dump, "--version"], dict(os.environ), "pg_dump --version")
        return {
            "database": {
                "name": params["dbname"],
                "host": params.get("host", ""),
                "port": params.get("port", ""),
                "server_version": server_version,
            },
            "pg_dump": version.strip(),
            "django": django.get_version(),
            "db_dump": {"size": dump_path.stat().st_size, "sha256": sha256_of(dump_path)},
            "tables": tables,
            "migrations": migrations,
        }

    def write_archive(
        self, archive: Path, dump_path: Path, media_root: Path, backup_dir: Path, manifest: dict
    ) -> None:
        """Write db.dump, media/ and, last, the manifest with the files' checksums."""
        manifest["media"] = files = []
        now = int(timezone.now().timestamp())
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.add(dump_path, arcname=DUMP, filter=anonymous)
                info = anonymous(tarfile.TarInfo(MEDIA))
                info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, now
                tar.addfile(info)
                if media_root.is_dir():
                    self.add_media(tar, media_root, backup_dir.resolve(), files)
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = anonymous(tarfile.TarInfo(MANIFEST))
                info.size, info.mode, info.mtime = len(data), 0o600, now
                tar.addfile(info, fileobj=io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())

    def add_media(
        self, tar: tarfile.TarFile, media_root: Path, backup_dir: Path, files: list[dict]
    ) -> None:
        for dirpath, dirnames, filenames in os.walk(media_root):
            here = Path(dirpath)
            for name in [d for d in dirnames if (here / d).is_symlink()]:
                self.stderr.write(f"Skipped {here / name}: a symbolic link.")
            # A BACKUP_DIR inside MEDIA_ROOT must not swallow the earlier backups.
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not (here / d).is_symlink() and (here / d).resolve() != backup_dir
            )
            for name in dirnames:
                arcname = f"{MEDIA}/{(here / name).relative_to(media_root).as_posix()}"
                tar.add(here / name, arcname=arcname, recursive=False, filter=anonymous)
            for name in sorted(filenames):
                path = here / name
                if path.is_symlink() or not path.is_file():
                    self.stderr.write(f"Skipped {path}: not a regular file.")
                    continue
                relative = path.relative_to(media_root).as_posix()
                info = anonymous(tar.gettarinfo(path, arcname=f"{MEDIA}/{relative}"))
                with path.open("rb") as f:
                    reader = HashingReader(f)
                    tar.addfile(info, fileobj=reader)
                files.append(
                    {"path": relative, "size": info.size, "sha256": reader.digest.hexdigest()}
                )
