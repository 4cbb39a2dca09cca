"""Database upkeep: the planner's statistics, kept fresh on SQLite and PostgreSQL.

Without statistics a planner guesses, and guesses wrong as tables grow: with 255,000 progress reports and
no statistics, SQLite read a plan's reports through the ``(status, period_end)`` index, every accepted
report of every plan, and an item page went from 15 ms to 517 ms; after ``ANALYZE`` it was back to 13 ms.
PostgreSQL's autovacuum analyses a table some time after it grows, which is too late after a bulk load.

- :func:`statistics_refresh` analyses now: on SQLite a sampled ``ANALYZE`` (``PRAGMA analysis_limit``, so it
  costs milliseconds whatever the size) followed by ``PRAGMA optimize``; on PostgreSQL ``ANALYZE`` of the
  given tables (all of the project's when none are given).
- :func:`statistics_refresh_after_commit` does the same once the current transaction commits: imports and
  bulk loads call it so that the next page read after them is planned with the new sizes.
- ``minsheng upkeep`` runs it from the command line, and ``minsheng upkeep --install-schedule`` installs the
  nightly django-q2 schedule that runs it (:data:`UPKEEP_TASK`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction

log = logging.getLogger(__name__)

# Rows SQLite's ANALYZE reads per index: enough for the planner to choose, cheap on any size of table.
SQLITE_ANALYSIS_LIMIT = 1000
UPKEEP_TASK = "minsheng.common.database.statistics_refresh"
UPKEEP_SCHEDULE_NAME = "minsheng: database statistics"


def _project_tables() -> list[str]:
    return sorted(name for name in connection.introspection.table_names() if not name.startswith("sqlite_"))


def statistics_refresh(tables: Iterable[str] | None = None) -> list[str]:
    """Refresh the planner's statistics; returns the tables analysed (all, on SQLite)."""
    names = sorted(set(tables)) if tables is not None else _project_tables()
    known = set(connection.introspection.table_names())
    names = [name for name in names if name in known]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            if tables is None:
                cursor.execute("ANALYZE")
            else:
                for name in names:
                    cursor.execute(f'ANALYZE "{name}"')
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            for name in names:
                cursor.execute(f'ANALYZE "{name}"')
        else:  # pragma: no cover - the project runs on SQLite and PostgreSQL only
            return []
    log.info("statistics refreshed for %d tables", len(names))
    return names


def statistics_refresh_after_commit(tables: Iterable[str]) -> None:
    """:func:`statistics_refresh` of ``tables`` once the current transaction commits (now if there is none)."""
    names = list(tables)
    transaction.on_commit(lambda: statistics_refresh(names))
