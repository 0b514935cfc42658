print("bench-journal: not built yet")
