// The Pipeline module; see docs/DESIGN.md for its place in the data flow.
