"""Rebuilding the read models from zero: :func:`rebuild` (and :func:`replay`,
which drops them first and resumes after a kill) is the one entry point; it
rebuilds in bulk (:mod:`.bulk_session`), and on an SQLite file in parts,
one process per core, each building a range of stories in story order
(:mod:`.parts`, :mod:`.story_order`, :mod:`.crew`, :mod:`.merge`)."""

from tracker.readmodels.rebuild.from_zero import rebuild, replay

__all__ = ["rebuild", "replay"]
