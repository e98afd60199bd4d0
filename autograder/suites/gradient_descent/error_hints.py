"""Causes of errors that hold in one exercise of gradient_descent only (autograder.hints looks them up first)."""

ERROR_HINTS = {
    "backprop_train": [("a leaf Variable that requires grad is being used in an in-place operation",
                        "update w inside `with torch.no_grad():` (or through w.data), so that the update is not "
                        "recorded by autograd")],
}
