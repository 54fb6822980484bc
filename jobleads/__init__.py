"""jobleads: a job seeker's own lead engine."""

__version__ = "0.1.0"
