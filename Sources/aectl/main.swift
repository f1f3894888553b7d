print("aectl: not built yet")
