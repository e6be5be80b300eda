"""The history file: one SQLite database (standard library `sqlite3`) holding a row per scan and a
row per finding of each scan. A scan is appended in one transaction once its reports are written,
so an interrupted scan adds nothing; a file that is not an auditor history, or of a newer schema,
is refused before anything is written to it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from auditor import __version__
from auditor.errors import InputFileError, OutputError
from auditor.findings import (
    Finding,
    Remediation,
    Report,
    ResourceRef,
    ScanInfo,
    Severity,
    Status,
    StatusCounts,
    Summary,
    Tool,
)

# PRAGMA application_id marks the file as ours ("AUDH"); PRAGMA user_version is its schema.
APPLICATION_ID = 0x41554448
SCHEMA_VERSION = 1
HISTORY_FILE_NAME = "auditor-history.db"
# Two scans appending at once wait for each other's transaction this long (seconds).
BUSY_TIMEOUT = 60.0

# MIGRATIONS[n] takes a file from schema n to n + 1; a new schema version appends one script.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE scans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        scope TEXT NOT NULL,
        accounts TEXT NOT NULL,
        regions TEXT NOT NULL,
        checks TEXT NOT NULL,
        auditor_version TEXT NOT NULL
    );
    CREATE INDEX scans_by_scope ON scans (scope, started_at);
    CREATE TABLE findings (
        scan_seq INTEGER NOT NULL REFERENCES scans (seq),
        id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        service TEXT NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        muted INTEGER NOT NULL,
        owner TEXT,
        first_seen TEXT,
        record BLOB REFERENCES records (digest),
        PRIMARY KEY (scan_seq, id)
    ) WITHOUT ROWID;
    CREATE TABLE records (
        digest BLOB PRIMARY KEY,
        body BLOB NOT NULL
    ) WITHOUT ROWID;
    """,
)


@dataclass(frozen=True)
class ScanRow:
    """One scan the history holds."""

    seq: int
    id: str
    started_at: datetime
    finished_at: datetime
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    checks: tuple[str, ...]
    auditor_version: str

    @property
    def scope(self) -> str:
        return scope_key(self.accounts, self.regions)


@dataclass(frozen=True)
class FindingRow:
    """One finding of one scan, as the history keeps it."""

    scan_seq: int
    id: str
    check_id: str
    service: str
    account_id: str
    region: str
    resource_id: str
    status: Status
    severity: Severity
    muted: bool
    owner: str | None


def scope_key(accounts: Sequence[str], regions: Sequence[str]) -> str:
    """Scans of the same accounts and regions are one series: each is the next one's baseline."""
    return json.dumps([sorted(accounts), sorted(regions)], separators=(",", ":"))


def history_path(path: Path) -> Path:
    """`--history` names the database file, or a folder that holds it (and earlier reports)."""
    return path / HISTORY_FILE_NAME if path.is_dir() else path


class History:
    """An open history file. Use `open_history`; close it with `close()` or `with`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def scans(self, since: datetime | None = None, scope: str | None = None) -> list[ScanRow]:
        """The scans held, oldest first (only those started at or after `since`, and of
        `scope` when given)."""
        rows = self._db.execute(
            "SELECT seq, id, started_at, finished_at, accounts, regions, checks, auditor_version "
            "FROM scans WHERE started_at >= ? AND (? IS NULL OR scope = ?) "
            "ORDER BY started_at, seq",
            (since.isoformat() if since is not None else "", scope, scope),
        ).fetchall()
        return [_scan_row(row) for row in rows]

    def findings(self, scan_seq: int) -> list[FindingRow]:
        rows = self._db.execute(
            "SELECT scan_seq, id, check_id, service, account_id, region, resource_id, status, "
            "severity, muted, owner FROM findings WHERE scan_seq = ? ORDER BY id",
            (scan_seq,),
        ).fetchall()
        return [
            FindingRow(
                scan_seq=row[0],
                id=row[1],
                check_id=row[2],
                service=row[3],
                account_id=row[4],
                region=row[5],
                resource_id=row[6],
                status=Status(row[7]),
                severity=Severity(row[8]),
                muted=bool(row[9]),
                owner=row[10],
            )
            for row in rows
        ]

    def contains(self, scan_id: str) -> bool:
        found = self._db.execute("SELECT 1 FROM scans WHERE id = ?", (scan_id,)).fetchone()
        return found is not None

    def previous(self, report: Report) -> Report | None:
        """The latest scan of `report`'s scope that started before it, as a baseline report."""
        info = report.scan
        row = self._db.execute(
            "SELECT seq, id, started_at, finished_at, accounts, regions, checks, auditor_version "
            "FROM scans WHERE scope = ? AND started_at < ? AND id != ? "
            "ORDER BY started_at DESC, seq DESC LIMIT 1",
            (scope_key(info.accounts, info.regions), info.started_at.isoformat(), info.id),
        ).fetchone()
        return self._baseline(_scan_row(row)) if row is not None else None

    def _baseline(self, scan: ScanRow) -> Report:
        """A scan as the baseline comparison reads it: every finding's id, place, status and
        first_seen; a FAIL in full, since only a FAIL can be listed as fixed."""
        findings = []
        rows = self._db.execute(
            "SELECT id, check_id, service, account_id, region, resource_id, status, severity, "
            "muted, first_seen, body FROM findings LEFT JOIN records ON record = digest "
            "WHERE scan_seq = ?",
            (scan.seq,),
        )
        for (
            fid,
            check_id,
            service,
            account,
            region,
            resource_id,
            status,
            sev,
            muted,
            first,
            rec,
        ) in rows:
            if rec is not None:
                full = Finding.model_validate_json(zlib.decompress(rec))
                findings.append(
                    full.model_copy(
                        update={"first_seen": datetime.fromisoformat(first) if first else None}
                    )
                )
                continue
            findings.append(
                Finding(
                    id=fid,
                    check_id=check_id,
                    status=Status(status),
                    severity=Severity(sev),
                    service=service,
                    title=check_id,
                    message="",
                    account_id=account,
                    region=region,
                    resource=ResourceRef(id=resource_id, type=""),
                    remediation=Remediation(console="", cli="", terraform=""),
                    muted=bool(muted),
                    first_seen=datetime.fromisoformat(first) if first else None,
                )
            )
        return Report(
            tool=Tool(version=scan.auditor_version),
            scan=ScanInfo(
                id=scan.id,
                started_at=scan.started_at,
                finished_at=scan.finished_at,
                accounts=list(scan.accounts),
                regions=list(scan.regions),
                checks=list(scan.checks),
            ),
            summary=Summary(
                total=len(findings), by_status=StatusCounts(), by_severity={}, pass_rate=None
            ),
            findings=findings,
            errors=[],
        )

    def append(self, reports: Sequence[Report]) -> int:
        """Add each report not held yet, all in one transaction; how many were added."""
        added = 0
        try:
            with self._transaction():
                for report in reports:
                    if self.contains(report.scan.id):
                        continue
                    self._insert(report)
                    added += 1
        except sqlite3.Error as exc:  # locked past the busy timeout, disk full, read-only
            raise OutputError(
                f"cannot record the scan in history {str(self.path)!r}: {exc}; the reports "
                "are written, the history is as it was"
            ) from None
        return added

    def _insert(self, report: Report) -> None:
        info = report.scan
        cursor = self._db.execute(
            "INSERT INTO scans (id, started_at, finished_at, scope, accounts, regions, checks, "
            "auditor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info.id,
                info.started_at.isoformat(),
                info.finished_at.isoformat(),
                scope_key(info.accounts, info.regions),
                json.dumps(sorted(info.accounts)),
                json.dumps(sorted(info.regions)),
                json.dumps(sorted(info.checks)),
                report.tool.version,
            ),
        )
        seq = cursor.lastrowid
        records = {f.id: _record(f) for f in report.findings if f.status is Status.FAIL}
        self._db.executemany(
            "INSERT OR IGNORE INTO records (digest, body) VALUES (?, ?)",
            ((digest, zlib.compress(body)) for digest, body in records.values()),
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO findings (scan_seq, id, check_id, service, account_id, "
            "region, resource_id, status, severity, muted, owner, first_seen, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    seq,
                    f.id,
                    f.check_id,
                    f.service,
                    f.account_id,
                    f.region,
                    f.resource.id,
                    f.status.value,
                    f.severity.value,
                    int(f.muted),
                    f.owner,
                    f.first_seen.isoformat() if f.first_seen is not None else None,
                    records[f.id][0] if f.id in records else None,
                )
                for f in report.findings
            ),
        )

    @contextmanager
    def preview(self, report: Report) -> Iterator[History]:
        """The history as if `report` were in it, for reading only: nothing is kept."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if not self.contains(report.scan.id):
                self._insert(report)
            yield self
        finally:
            self._db.execute("ROLLBACK")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so a concurrent appender waits (busy
        # timeout) instead of failing half-way through.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _record(finding: Finding) -> tuple[bytes, bytes]:
    """A FAIL's full record without what changes from scan to scan (kept in columns), so a
    finding that stays the same is stored once however many scans see it."""
    body = finding.model_dump_json(exclude={"first_seen", "diff_state"}).encode()
    return hashlib.sha256(body).digest()[:16], body


def _scan_row(row: Sequence[object]) -> ScanRow:
    seq, scan_id, started, finished, accounts, regions, checks, version = row
    return ScanRow(
        seq=int(str(seq)),
        id=str(scan_id),
        started_at=datetime.fromisoformat(str(started)),
        finished_at=datetime.fromisoformat(str(finished)),
        accounts=tuple(json.loads(str(accounts))),
        regions=tuple(json.loads(str(regions))),
        checks=tuple(json.loads(str(checks))),
        auditor_version=str(version),
    )


def open_history(path: Path, *, create: bool = True) -> History:
    """The history at `path` (a file, or a folder holding auditor-history.db), created when
    absent (if `create`), migrated to this schema; anything else is one InputFileError and the
    file is left exactly as it was."""
    path = history_path(path)
    shown = repr(str(path))
    if path.exists() and not path.is_file():
        raise InputFileError(f"history {shown} is not a regular file")
    if not path.exists():
        if not create:
            raise InputFileError(f"cannot read history {shown}: no such file")
        if not path.parent.is_dir():
            raise InputFileError(f"cannot create history {shown}: no such directory")
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputFileError(f"cannot open history {shown}: {exc}") from None
    try:
        _prepare(connection, shown)
    except BaseException:
        connection.close()
        raise
    return History(path, connection)


def _prepare(db: sqlite3.Connection, shown: str) -> None:
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            application_id, version = _identity(db)
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if application_id == 0 and version == 0 and tables == 0:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            elif application_id != APPLICATION_ID:
                raise InputFileError(
                    f"history {shown} is not an auditor history (a SQLite database of "
                    "something else); it was left untouched"
                )
            elif version > SCHEMA_VERSION:
                raise InputFileError(
                    f"history {shown} has schema {version}, newer than this auditor's "
                    f"{SCHEMA_VERSION} (auditor {__version__}); upgrade the auditor"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise _not_ours(shown) from None
        raise InputFileError(
            f"history {shown} stayed locked by another writer; try again when it is done"
        ) from None
    except sqlite3.DatabaseError:
        raise _not_ours(shown) from None


def _not_ours(shown: str) -> InputFileError:
    return InputFileError(
        f"history {shown} is not an auditor history (not a SQLite database, or a damaged "
        "one); it was left untouched"
    )


def _identity(db: sqlite3.Connection) -> tuple[int, int]:
    application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    return application_id, version


def read_version(path: Path) -> tuple[int, int]:
    """(application_id, schema version) of a file, read-only: for tests and diagnostics."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return _identity(db)
