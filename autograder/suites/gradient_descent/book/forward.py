def forward(x, w):
    return x * w
