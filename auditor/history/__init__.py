"""The scan history: every scan's findings kept in one SQLite file, and what they show over time
(each finding's lifecycle, mean time to fix, trends)."""
