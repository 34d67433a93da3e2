"""Check that PostgreSQL and Redis answer, and create the database if it is missing.

Exit 1 with a message naming the missing service and how to start it.
"""

import os
import sys

import dj_database_url
import psycopg
import redis
from psycopg import sql

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontdesk")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
        "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def fail(service: str, detail: str) -> None:
    print(f"\n*** {service} is not answering: {detail}", file=sys.stderr)
    print(f"*** Start it, for example with:\n    {HOW_TO_START[service]}\n", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    db = dj_database_url.parse(DATABASE_URL)
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "connect_timeout": 3,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                print(f"Created database {db['NAME']}.")
    except psycopg.OperationalError as exc:
        fail("PostgreSQL", str(exc).strip().splitlines()[0])
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        fail("Redis", str(exc))
    print("PostgreSQL and Redis answer.")


if __name__ == "__main__":
    main()
