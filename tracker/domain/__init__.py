"""The newsroom's domain: stories, reports and what they add up to.

Nothing here imports Flask, SQL or HTTP; it is plain Python plus the
eventsourcing library's aggregate base class.
"""
