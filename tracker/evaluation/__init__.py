"""`tracker eval`: a labelled set of feed items run through the real pipeline
(fresh store, stories opened with their rules, items served as RSS on
loopback and polled in stages), scored against the labels."""
