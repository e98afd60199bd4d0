def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) ** 2
