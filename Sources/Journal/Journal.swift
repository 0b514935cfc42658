// The Journal module: see docs/journal-format.md.
