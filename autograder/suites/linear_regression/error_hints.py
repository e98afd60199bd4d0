"""Causes of errors that hold in one exercise of linear_regression only (autograder.hints looks them up first)."""

IN_PLACE_UPDATE = "a leaf Variable that requires grad is being used in an in-place operation"
NO_GRAD = "update the parameters inside `with torch.no_grad():` so that the update is not recorded by autograd"
_GRAD_IS_NONE = "param.grad is None: create the parameters with requires_grad=True, and call backward() before sgd"
ERROR_HINTS = {
    "linreg": [("mat1 and mat2 shapes cannot be multiplied",
                "check the shapes: X is (n, d), w is (d, 1), so X @ w is (n, 1)")],
    "sgd": [(IN_PLACE_UPDATE, NO_GRAD),
            ("object has no attribute 'zero_'",
             "param.grad is None here: after `param = param - ...` the name points to a new tensor without a "
             "gradient; update the parameter in place with `param -= ...`"),
            ("unsupported operand type(s) for *: 'float' and 'NoneType'", _GRAD_IS_NONE),
            ("unsupported operand type(s) for /: 'NoneType'", _GRAD_IS_NONE)],
    "train": [("unsupported operand type(s) for *: 'float' and 'NoneType'", _GRAD_IS_NONE),
              ("unsupported operand type(s) for /: 'NoneType'", _GRAD_IS_NONE)],
}
