"""datasketch (and SciPy under it) is imported only when a cycle has changed feeds to compare."""

import subprocess
import sys

PROBE = """
import sys
import tracker.ingest.service, tracker.ingest.cycle, tracker.ingest.appending
print("before", "datasketch" in sys.modules)
from tracker.ingest import near_copies
near_copies.prepare()
near_copies._preparing.join()
print("after", "datasketch" in sys.modules)
print("similar", near_copies.minhash("talks held between the two firms today").jaccard(
    near_copies.minhash("talks held between the two firms on Tuesday")) > 0.3)
"""


def test_starting_the_ingest_service_does_not_import_datasketch_until_a_cycle_prepares_it() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["before False", "after True", "similar True"]
