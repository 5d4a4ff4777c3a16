"""Copying the parts of a rebuild into the live views."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from tracker.readmodels.errors import PositionMoved
from tracker.readmodels.search_index import index_search


class PartMerge:
    """One transaction on the live database copying the parts in, with their
    search rows and the reports' story index, and setting the position.
    It begins by claiming the position (raising PositionMoved, copying
    nothing, when another process has started projecting into the live views
    meanwhile); closing it without a commit rolls everything back."""

    def __init__(self, projector: Any, paths: Sequence[Path], until: int) -> None:
        self.projector = projector
        self.tables = projector.tables
        self.paths = paths
        self.until = until
        self.conn: Any = None
        self.transaction: Any = None
        self.attached = 0
        # Built by one sort at the end, not by a million inserts in
        # notification order (the deferred indexes come after the commit).
        self.unique = next(
            i for i in self.tables.reports.indexes if i.name == f"{self.tables.prefix}reports_story_report"
        )

    def attach(self) -> None:
        self.conn = self.projector.engine.connect()
        for number, path in enumerate(self.paths):
            self.conn.exec_driver_sql(f"ATTACH DATABASE ? AS part{number}", (str(path),))
            self.attached += 1
        self.conn.commit()

    def begin(self) -> None:
        self.transaction = self.conn.begin()
        self._claim()
        self.unique.drop(self.conn, checkfirst=True)

    def _claim(self) -> None:
        # A write first, so this transaction takes the write lock on the
        # newest snapshot; the views' position is one row per name.
        record = self.projector.views.tracking_record_cls.__table__
        try:
            self.conn.execute(
                insert(record).values(application_name=self.tables.tracking_name, notification_id=self.until)
            )
        except IntegrityError as error:
            raise PositionMoved("read models were projected by another process during the rebuild") from error

    def copy(self, number: int) -> None:
        """Appends one part's rows (the parts follow each other in story
        order); its reports, which lie in story order, are sorted by id (one
        sequential read and a sort, not a random read per row)."""
        for table in self.tables.all:
            columns = ", ".join(column.name for column in table.columns)
            self.conn.exec_driver_sql(
                f"INSERT INTO main.{table.name} ({columns}) SELECT {columns} FROM part{number}.{table.name}"
                + (" ORDER BY +id" if table is self.tables.reports else "")
            )
        index_search(self.conn, self.tables, f"part{number}", by_story=True)

    def commit(self) -> None:
        self.unique.create(self.conn)
        self.transaction.commit()
        self.transaction = None

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.transaction is not None:
                self.transaction.rollback()
        finally:
            for number in range(self.attached):
                self.conn.exec_driver_sql(f"DETACH DATABASE part{number}")
            self.conn.commit()
            self.conn.close()
