"""Restore the database and the uploaded files from a `manage.py backup` archive
(`make restore FILE=…`).

Operators script restores, so there is no question to answer: naming the archive is the
consent. Everything that can be checked is checked before anything changes (the archive's
members, every checksum in its manifest, the dump's table of contents, the server), and the
plan is printed. pg_restore then runs as one transaction, so a failure leaves the database
as it was; only after it succeeded are MEDIA_ROOT's contents replaced. At the end the row
count of every table and the checksum of every file are compared with the manifest.

pg_restore --clean drops only what the dump holds. Tables of this code's models that the
backup lacks (made by migrations newer than the backup) are dropped too: left in place they
would make `migrate` fail on "relation already exists". Tables the code does not know are
left alone, with a warning.
"""

import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader
from psycopg import sql
from psycopg.conninfo import make_conninfo

from frontdesk.management.commands.backup import (
    DUMP,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA,
    applied_migrations,
    connect,
    connection_params,
    counted,
    describe,
    find_program,
    pg_env,
    run_program,
    sha256_of,
    size_label,
    table_counts,
)


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files (MEDIA_ROOT) with the contents of an "
        "archive made by `manage.py backup`. Asks nothing: stop the app first."
    )

    def add_arguments(self, parser):
        # Optional here so that a missing FILE gets the message below, not argparse's.
        parser.add_argument(
            "archive", nargs="?", default="", help="The .tar file `manage.py backup` wrote."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive and show what would be replaced; change nothing.",
        )

    def handle(self, *args, archive: str, check: bool, **options):
        if not archive:
            raise CommandError(
                "Name the archive to restore: make restore FILE=backups/frontdesk-YYYYmmdd-"
                "HHMMSS.tar (or manage.py restore FILE)."
            )
        source = Path(archive)
        pg_restore = find_program("pg_restore")
        media_root = Path(settings.MEDIA_ROOT)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Staged beside MEDIA_ROOT, so that the files are moved into it, not copied.
        work = Path(tempfile.mkdtemp(prefix=".frontdesk-restore-", dir=media_root.parent))
        try:
            manifest = self.unpack(source, work)
            dump = work / DUMP
            run_program([pg_restore, "--list", str(dump)], dict(os.environ), "pg_restore --list")
            params = connection_params()
            exists, current, sessions = self.survey(params)
            self.print_plan(source, manifest, params, exists, current, sessions, media_root)
            if check:
                self.stdout.write(self.style.SUCCESS("Archive checked; nothing was changed."))
                return
            if not exists:
                self.create_database(params["dbname"])
            self.restore_database(pg_restore, params, dump)
            self.drop_tables(newer_tables(current, manifest["tables"]))
            self.replace_media(work / MEDIA, media_root, source)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self.verify(params, manifest, media_root)

    def unpack(self, source: Path, work: Path) -> dict:
        """Extract the archive into work/ and prove it whole against its manifest."""
        if not source.is_file():
            raise CommandError(f"{source}: no such file.")
        try:
            with tarfile.open(source, "r:*") as tar:
                members = tar.getmembers()
                for member in members:
                    top = member.name.split("/", 1)[0]
                    if member.name not in (MANIFEST, DUMP) and top != MEDIA:
                        raise CommandError(f"{source}: unexpected member {member.name!r}.")
                    if not (member.isfile() or member.isdir()):
                        raise CommandError(f"{source}: {member.name!r} is not a plain file.")
                names = {member.name for member in members}
                if MANIFEST not in names or DUMP not in names:
                    raise CommandError(
                        f"{source} is not a frontdesk backup: {MANIFEST} or {DUMP} is missing."
                    )
                # The "data" filter refuses absolute paths, "..", links and device files.
                tar.extractall(work, filter="data")
        except tarfile.ReadError as exc:
            raise CommandError(
                f"{source} is not a backup archive, or a damaged one (not a readable tar file: "
                f"{exc})."
            ) from exc
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise CommandError(f"{source} is not a readable backup archive: {exc}") from exc
        (work / MEDIA).mkdir(exist_ok=True)

        try:
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT:
                raise ValueError("not a frontdesk backup manifest")
            if not isinstance(manifest.get("version"), int):
                raise ValueError("no format version")
            if manifest["version"] > FORMAT_VERSION:
                raise ValueError(
                    f"format version {manifest['version']} is newer than this code reads"
                )
            tables, media, db_dump = manifest["tables"], manifest["media"], manifest["db_dump"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{source}: bad {MANIFEST}: {exc}") from exc

        problems = []
        dump = work / DUMP
        if dump.stat().st_size != db_dump["size"] or sha256_of(dump) != db_dump["sha256"]:
            problems.append(f"{DUMP} does not match its checksum")
        expected = {item["path"]: item for item in media}
        present = {
            path.relative_to(work / MEDIA).as_posix()
            for path in (work / MEDIA).rglob("*")
            if path.is_file()
        }
        for name in sorted(present - expected.keys()):
            problems.append(f"{MEDIA}/{name} is not in the manifest")
        for name, item in sorted(expected.items()):
            path = work / MEDIA / name
            if name not in present:
                problems.append(f"{MEDIA}/{name} is missing")
            elif path.stat().st_size != item["size"] or sha256_of(path) != item["sha256"]:
                problems.append(f"{MEDIA}/{name} does not match its checksum")
        if problems:
            raise CommandError(f"{source} is damaged: " + "; ".join(problems) + ".")
        if not isinstance(tables, dict):
            raise CommandError(f"{source}: bad {MANIFEST}: no table counts.")
        return manifest

    def survey(self, params: dict[str, str]) -> tuple[bool, dict[str, int], int]:
        """Does the database exist, what does it hold, and who else is connected to it."""
        with connect("postgres", autocommit=True) as conn:
            exists = bool(
                conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [params["dbname"]]
                ).fetchone()
            )
            sessions = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [params["dbname"]],
            ).fetchone()[0]
        if not exists:
            return False, {}, 0
        with connect(autocommit=True) as conn:
            return True, table_counts(conn), sessions

    def print_plan(
        self,
        source: Path,
        manifest: dict,
        params: dict[str, str],
        exists: bool,
        current: dict[str, int],
        sessions: int,
        media_root: Path,
    ) -> None:
        tables, files = manifest["tables"], manifest["media"]
        origin = manifest.get("database", {})
        write = self.stdout.write
        write(
            f"Archive {source}: made {manifest.get('created_at', '?')} from database "
            f"{origin.get('name', '?')} on {origin.get('host') or '?'}:{origin.get('port') or '?'}"
        )
        write(
            f"  {counted(len(tables), 'table')}, {counted(sum(tables.values()), 'row')}; "
            f"{counted(len(files), 'uploaded file')} "
            f"({size_label(sum(item['size'] for item in files))}). Checksums OK."
        )
        write("Restoring replaces:")
        if exists:
            write(
                f"  {describe(params)}: now {counted(len(current), 'table')}, "
                f"{counted(sum(current.values()), 'row')}"
            )
        else:
            write(f"  {describe(params)}: does not exist yet, will be created")
        existing = [p for p in media_root.rglob("*") if p.is_file()] if media_root.is_dir() else []
        write(f"  the uploaded files in {media_root}: now {counted(len(existing), 'file')}")

        warn = self.stderr.write
        if sessions:
            warn(
                self.style.WARNING(
                    f"{counted(sessions, 'other connection')} to {params['dbname']}: stop the "
                    "web server, worker and beat first (Ctrl-C in `make run`). The restore "
                    "waits for any lock they hold (pg_restore turns lock_timeout off)."
                )
            )
        newer = newer_tables(current, tables)
        if newer:
            write(f"  and drops tables newer than the backup: {', '.join(newer)}")
        extra = sorted(set(current) - set(tables) - set(newer))
        if extra:
            warn(
                self.style.WARNING(
                    "Tables neither in the backup nor the app's stay as they are: "
                    + ", ".join(extra)
                )
            )
        self.compare_migrations(manifest.get("migrations") or {})

    def compare_migrations(self, restored: dict[str, list[str]]) -> None:
        in_backup = {(app, name) for app, names in restored.items() for name in names}
        in_code = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown = sorted(in_backup - in_code)
        newer = sorted(in_code - in_backup)
        if unknown:
            self.stderr.write(
                self.style.WARNING(
                    "The backup was made by a newer version of the app; this code does not "
                    "know its migrations "
                    + ", ".join(f"{app}.{name}" for app, name in unknown)
                    + ". Update the code before starting the app."
                )
            )
        if newer:
            self.stdout.write(
                "Migrations newer than the backup, which `make migrate` (or `make run`) applies "
                "after the restore: " + ", ".join(f"{app}.{name}" for app, name in newer)
            )

    def create_database(self, name: str) -> None:
        with connect("postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.stdout.write(f"Created database {name}.")

    def restore_database(self, pg_restore: str, params: dict[str, str], dump: Path) -> None:
        self.stdout.write(f"Restoring {describe(params)} …")
        try:
            run_program(
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    # Grants name roles of the machine the backup came from.
                    "--no-privileges",
                    # All or nothing: a failure half-way leaves the database as it was.
                    "--single-transaction",
                    "--no-password",
                    f"--dbname={make_conninfo(dbname=params['dbname'])}",
                    str(dump),
                ],
                pg_env(params),
                "pg_restore",
            )
        except CommandError as exc:
            raise CommandError(
                f"{exc}\nThe database was left as it was; the uploaded files were not touched."
            ) from exc

    def drop_tables(self, tables: list[str]) -> None:
        if not tables:
            return
        names = [sql.Identifier(*table.split(".", 1)) for table in tables]
        with connect() as conn:  # one transaction
            conn.execute(
                sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.SQL(", ").join(names))
            )
        self.stdout.write(f"Dropped {counted(len(tables), 'table')} newer than the backup.")

    def replace_media(self, staged: Path, media_root: Path, source: Path) -> None:
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            if source.resolve().is_relative_to(child.resolve()):
                # BACKUP_DIR inside MEDIA_ROOT: keep the backups, the archive among them.
                self.stderr.write(f"Kept {child}: it holds the archive being restored.")
            elif child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staged.iterdir():
            shutil.move(child, media_root / child.name)

    def verify(self, params: dict[str, str], manifest: dict, media_root: Path) -> None:
        """Every row and every file of the backup is back."""
        expected = manifest["tables"]
        with connect(autocommit=True) as conn:
            restored = table_counts(conn)
            migrations = applied_migrations(conn)
        wrong = [
            f"{table}: {restored.get(table, 'missing')} rows, backup had {count}"
            for table, count in sorted(expected.items())
            if restored.get(table) != count
        ]
        for item in manifest["media"]:
            path = media_root / item["path"]
            if not path.is_file() or sha256_of(path) != item["sha256"]:
                wrong.append(f"{path} differs from the backup")
        if wrong:
            raise CommandError("Restored, but it does not match the backup:\n" + "\n".join(wrong))
        if migrations != (manifest.get("migrations") or {}):
            raise CommandError("Restored, but the migration state differs from the backup.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {describe(params)}: {counted(len(expected), 'table')}, "
                f"{counted(sum(expected.values()), 'row')} and "
                f"{counted(len(manifest['media']), 'uploaded file')} "
                f"in {media_root}, all as in the backup."
            )
        )


def newer_tables(current: dict[str, int], in_backup: dict[str, int]) -> list[str]:
    """Tables of this code's models that the database has and the backup has not."""
    models = {
        f"public.{model._meta.db_table}" for model in apps.get_models(include_auto_created=True)
    }
    return sorted((set(current) - set(in_backup)) & models)
