"""Reading a report: relations, statements, names and relevance (see :mod:`.model`)."""
