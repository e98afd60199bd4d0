def add_vectorized(a, b):
    return a + b
