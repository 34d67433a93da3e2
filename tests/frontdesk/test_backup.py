"""`manage.py backup` and `manage.py restore` (`make backup`, `make restore FILE=…`).

Restore runs pg_restore --clean, so the round trip works on a throwaway database of its
own, never on pytest-django's test database, and drives manage.py in subprocesses the way
an operator's shell or cron does. What it compares is read here with plain SQL and
hashlib, not with the commands' own helpers.
"""

import hashlib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from psycopg import sql

from frontdesk.models import Heartbeat

# Subprocesses of manage.py, pg_dump and pg_restore on a database of their own.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontdesk")


def server(dbname: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def drop(name: str) -> None:
    with server() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def create(name: str) -> None:
    with server() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Deployment:
    """A database and a MEDIA_ROOT of their own, and manage.py pointed at them."""

    def __init__(self, tmp_path: Path):
        self.dbname = f"frontdesk_backuptest_{secrets.token_hex(4)}"
        self.media = tmp_path / "media"
        self.backups = tmp_path / "backups"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": urlsplit(SERVER_URL)._replace(path=f"/{self.dbname}").geturl(),
            "DEBUG": "1",
            "MEDIA_ROOT": str(self.media),
            "BACKUP_DIR": str(self.backups),
        }

    def manage(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
        return result

    def row_counts(self) -> dict[str, int]:
        with server(self.dbname) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
            return {
                table: conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()[0]
                for (table,) in tables
            }

    def files(self) -> dict[str, str]:
        return {
            path.relative_to(self.media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def deployment(tmp_path):
    deployment = Deployment(tmp_path)
    create(deployment.dbname)
    yield deployment
    drop(deployment.dbname)


UPLOAD_ROSTER = """
from django.core.files.base import ContentFile
from frontdesk.models import Site, User
from residents.models import RosterImport

roster = RosterImport(
    site=Site.objects.order_by("id").first(),
    kind=RosterImport.Kind.RESIDENTS,
    original_name="住户名单.csv",
    uploaded_by=User.objects.get(username="supervisor"),
    row_count=1,
)
roster.file.save("x.csv", ContentFile("姓名,电话\\n张三丰,13800138000\\n".encode()))
print(roster.file.name)
"""


def test_it_backs_up_wipes_restores_and_finds_everything(deployment):
    deployment.manage("migrate", "--noinput", "-v", "0")
    deployment.manage("seed_demo", "-v", "0")
    roster_file = deployment.manage("shell", "-c", UPLOAD_ROSTER).stdout.splitlines()[-1]
    assert roster_file.startswith("roster/")
    notices = deployment.media / "notices" / "2026"
    notices.mkdir(parents=True)
    (notices / "停水通知.pdf").write_bytes(b"%PDF-1.4\n" + secrets.token_bytes(50_000))
    (notices / "empty.txt").write_bytes(b"")
    # The backup predates this table: restore must drop it again when it finds it (a newer
    # version of the app made it), or `migrate` would fail on it.
    newer_table = Heartbeat._meta.db_table
    with server(deployment.dbname) as conn:
        conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(newer_table)))
    rows, files = deployment.row_counts(), deployment.files()
    assert rows["residents_resident"] > 1000 and rows["residents_rosterimport"] == 1
    assert rows["django_migrations"] > 0
    assert set(files) == {roster_file, "notices/2026/停水通知.pdf", "notices/2026/empty.txt"}

    out = deployment.manage("backup").stdout
    [archive] = deployment.backups.glob("frontdesk-*.tar")
    assert str(archive) in out
    assert archive.stat().st_mode & 0o077 == 0  # residents' personal data: owner only
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {"db.dump", "manifest.json", f"media/{roster_file}"} <= names
    assert manifest["database"]["name"] == deployment.dbname
    assert manifest["tables"] == {f"public.{table}": count for table, count in rows.items()}
    assert "0001_initial" in manifest["migrations"]["residents"]

    def wipe_everything():
        drop(deployment.dbname)
        create(deployment.dbname)
        shutil.rmtree(deployment.media)

    def damage_the_live_data():
        with server(deployment.dbname) as conn:
            conn.execute("DELETE FROM residents_rosterimport")
            conn.execute("UPDATE residents_resident SET name = '错误' WHERE id % 2 = 0")
            conn.execute(sql.SQL("CREATE TABLE {} (id int)").format(sql.Identifier(newer_table)))
        (deployment.media / roster_file).unlink()
        (deployment.media / "stray.txt").write_text("not in the backup")

    def lose_the_database_and_the_media_folder():
        drop(deployment.dbname)
        shutil.rmtree(deployment.media)

    for wipe in (wipe_everything, damage_the_live_data, lose_the_database_and_the_media_folder):
        wipe()
        assert deployment.files() != files
        out = deployment.manage("restore", str(archive)).stdout
        assert "Restoring replaces" in out and "all as in the backup" in out
        assert deployment.row_counts() == rows, wipe.__name__
        assert deployment.files() == files, wipe.__name__
        with server(deployment.dbname) as conn:
            assert not conn.execute(
                "SELECT 1 FROM residents_resident WHERE name = '错误'"
            ).fetchone()


def test_it_refuses_to_back_up_when_the_database_does_not_answer(deployment):
    url = urlsplit(deployment.env["DATABASE_URL"])._replace(netloc="postgres@127.0.0.1:1")
    result = deployment.manage("backup", check=False, DATABASE_URL=url.geturl())
    assert result.returncode != 0
    assert f"Cannot connect to database {deployment.dbname} on 127.0.0.1:1" in result.stderr
    assert not deployment.backups.exists() or not list(deployment.backups.iterdir())


def test_it_refuses_to_back_up_without_pg_dump(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump not found"):
        call_command("backup", "--dir", str(tmp_path / "backups"))


def archive_with(path: Path, members: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return path


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_it_refuses_to_restore_without_a_file_or_from_a_bad_archive(media_root, tmp_path):
    dump = b"PGDMP" + secrets.token_bytes(100)
    manifest = {
        "format": "frontdesk-backup",
        "version": 1,
        "db_dump": {"size": len(dump), "sha256": hashlib.sha256(dump).hexdigest()},
        "tables": {},
        "media": [],
    }
    tampered = {**manifest, "db_dump": {"size": len(dump), "sha256": "0" * 64}}
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(secrets.token_bytes(2000))
    cases = {
        "": "Name the archive to restore: make restore FILE=",
        str(tmp_path / "missing.tar"): "no such file",
        str(garbage): "is not a backup archive",
        str(archive_with(tmp_path / "other.tar", {"notes.txt": b"x"})): "unexpected member",
        str(archive_with(tmp_path / "nodump.tar", {"manifest.json": b"{}"})): "db.dump",
        str(
            archive_with(
                tmp_path / "tampered.tar",
                {"db.dump": dump, "manifest.json": json.dumps(tampered).encode()},
            )
        ): "damaged: db.dump does not match its checksum",
        str(
            archive_with(
                tmp_path / "link.tar",
                {"db.dump": dump, "manifest.json": json.dumps(manifest).encode()},
                links=("media/evil",),
            )
        ): "'media/evil' is not a plain file",
    }
    for archive, message in cases.items():
        with pytest.raises(CommandError, match=message):
            call_command("restore", archive)
    # Nothing was left behind beside MEDIA_ROOT, and MEDIA_ROOT was not touched.
    assert not [p for p in media_root.parent.iterdir() if p.name.startswith(".frontdesk")]
    assert not media_root.exists()
