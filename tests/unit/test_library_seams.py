"""The overrides of eventsourcing internals hold only for the versions they were written for."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder

from tracker import eventsourcing_overrides
from tracker.application import Newsroom
from tracker.application.transcoder import OrjsonTranscoder
from tracker.eventsourcing_overrides import PINNED, SEAMS, Seam, TrackerApplication, seam_problems


def test_the_installed_eventsourcing_libraries_are_the_ones_the_overrides_were_written_for() -> None:
    installed = {name: importlib.metadata.version(name) for name in PINNED}
    assert installed == PINNED, (
        "eventsourcing or eventsourcing-sqlalchemy changed: re-read every override listed in"
        " tracker/eventsourcing_overrides.py, then update PINNED and SEAMS"
    )


def test_the_project_installs_exactly_the_pinned_versions() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {f"{name}=={pinned}" for name, pinned in PINNED.items()}
    assert wanted <= {dependency.split(";")[0].strip() for dependency in pyproject["project"]["dependencies"]}


def test_every_overridden_or_called_library_member_has_the_signature_and_calls_it_had() -> None:
    assert seam_problems() == []


def test_another_library_version_is_reported_by_name() -> None:
    problems = seam_problems((), version=lambda name: "99.0")
    assert problems == [
        f"{name} 99.0 is installed; the overrides in tracker.eventsourcing_overrides were written for {pinned}"
        for name, pinned in PINNED.items()
    ]


def test_a_changed_signature_a_vanished_member_and_a_lost_call_are_each_reported() -> None:
    class Library:
        def hook(self, a: int) -> None:
            pass

        def caller(self) -> None:
            self.hook(1)

    problems = seam_problems(
        (
            Seam(Library, "hook", "(self, a: 'int', b: 'int') -> 'None'"),
            Seam(Library, "gone", "(self) -> 'None'"),
            Seam(Library, "caller", "(self) -> 'None'", ("self._hook(",)),
        ),
        version=lambda name: PINNED[name],
    )
    assert len(problems) == 3
    assert "Library.hook is now (self, a: 'int') -> 'None'" in problems[0]
    assert problems[1].endswith("Library.gone is gone")
    assert problems[2].endswith("Library.caller no longer holds 'self._hook('")


def test_every_library_method_the_tracker_overrides_is_listed_as_a_seam() -> None:
    """A new override added without its seam would escape the version check."""
    listed = {(seam.owner, seam.name) for seam in SEAMS}
    overrides = [
        (TrackerApplication, Application),
        (OrjsonTranscoder, JSONTranscoder),
        (eventsourcing_overrides.BulkInsertApplicationRecorder, SQLAlchemyApplicationRecorder),
        (eventsourcing_overrides.Factory, SQLAlchemyFactory),
    ]
    found = set()
    for ours, library in overrides:
        for name in vars(ours):
            if name.startswith("__") or name in ("_abc_impl", "name") or not hasattr(library, name):
                continue  # (the library gives every Application subclass a ``name``)
            owner = next(cls for cls in library.__mro__ if name in vars(cls))
            found.add((name, (owner, name) in listed or (library, name) in listed))
    assert {name for name, _ in found} == {
        "_take_snapshots",
        "construct_transcoder",
        "encode",
        "decode",
        "_insert_stored_events",
        "application_recorder_class",
    }
    assert all(is_listed for _, is_listed in found), sorted(found)
    assert issubclass(Newsroom, TrackerApplication)
