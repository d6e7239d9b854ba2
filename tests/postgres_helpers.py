"""A real PostgreSQL server from Debian's `postgresql` package, started for a test on a free 127.0.0.1 port.

initdb refuses to run as root, so under root the server runs as the `postgres` system user (runuser);
without the package the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ui_helpers import free_port

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None) \
    if Path("/usr/lib/postgresql").is_dir() else None


def postgres_missing() -> str | None:
    if PG_BIN is None or not (PG_BIN / "initdb").exists():
        return "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin/initdb)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb cannot run as root"
    return None


class PostgresServer:
    """initdb in a temporary folder, `pg_ctl start` on 127.0.0.1:<free port>, trust auth, stopped by pg_ctl."""

    def __init__(self, folder: Path) -> None:
        assert PG_BIN is not None
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def start(self) -> None:
        assert PG_BIN is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
            for parent in self.folder.parents:  # the postgres user must be able to reach the folder
                if parent == Path("/"):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o011)
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-locale")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (self.data / "postmaster.pid").exists():
            time.sleep(0.2)

    def stop(self) -> None:
        assert PG_BIN is not None
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
