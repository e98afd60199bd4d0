"""What learners really get wrong in d2l 3.5-3.7, and correct ways that differ from the reference."""

from autograder.mistakes import alternative, mistake

STABLE = "    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)\n"

MISTAKES = [
    mistake("softmax_wrong_dim", "softmax",
            ("    partition = X_exp.sum(1, keepdim=True)\n", "    partition = X_exp.sum(0, keepdim=True)\n"),
            cause="the sum runs down the columns (dim 0): each row is one example, so sum over dim 1"),
    mistake("softmax_without_keepdim", "softmax",
            ("    partition = X_exp.sum(1, keepdim=True)\n", "    partition = X_exp.sum(1)\n"),
            cause="X_exp.sum(1) has shape (n,), which broadcasts along the rows: keep the dimension, "
                  "X_exp.sum(1, keepdim=True), so each row is divided by its own sum"),
    mistake("softmax_overflows", "softmax",
            (STABLE, "    X_exp = torch.exp(X)\n"),  # the book's own version: right on small logits only
            cause="exp overflows to inf for large logits (inf / inf is nan): subtract each row's max first, "
                  "torch.exp(X - X.max(dim=1, keepdim=True).values), which leaves the result unchanged"),
    mistake("net_without_reshape", "net",
            ("    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)\n",
             "    return softmax(torch.matmul(X, W) + b)\n"),
            cause="X is a batch of images (n, 1, 28, 28): flatten it first, X.reshape((-1, W.shape[0]))"),
    mistake("cross_entropy_wrong_index", "cross_entropy",
            ("    return -torch.log(y_hat[range(len(y_hat)), y])\n", "    return -torch.log(y_hat[:, y])\n"),
            cause="y_hat[:, y] takes every label's column for every example, an (n, n) table: pick one entry "
                  "per row, y_hat[range(len(y_hat)), y]"),
    mistake("cross_entropy_without_minus", "cross_entropy",
            ("    return -torch.log(y_hat[range(len(y_hat)), y])\n", "    return torch.log(y_hat[range(len(y_hat)), y])\n"),
            cause="the loss is the negative log-probability of the true class: -torch.log(...)"),
    # (Comparing mismatched dtypes, the book's warning, is harmless in torch: == promotes both sides.)
    mistake("accuracy_returns_a_tensor", "accuracy",
            ("    return float(cmp.type(y.dtype).sum())\n", "    return cmp.type(y.dtype).sum()\n"),
            cause="accuracy returns a tensor: the count is a Python float, float(cmp.type(y.dtype).sum())"),
    mistake("accuracy_returns_a_fraction", "accuracy",
            ("    return float(cmp.type(y.dtype).sum())\n", "    return float(cmp.type(y.dtype).sum()) / len(y)\n"),
            cause="accuracy returns the number of correct predictions; evaluate_accuracy divides by the count"),
    mistake("evaluate_without_eval_mode", "evaluate_accuracy",
            ("    if isinstance(net, torch.nn.Module):\n        net.eval()\n", ""),
            cause="the module stays in training mode (dropout, batch norm would act): call net.eval() first"),
    mistake("evaluate_without_no_grad", "evaluate_accuracy",
            ("    with torch.no_grad():\n        for X, y in data_iter:\n            metric.add(accuracy(net(X), y), y.numel())\n",
             "    for X, y in data_iter:\n        metric.add(accuracy(net(X), y), y.numel())\n"),
            cause="evaluation records every operation for autograd: wrap the loop in `with torch.no_grad():`"),
    mistake("train_epoch_never_zeroes_gradients", "train_epoch_ch3",
            ("            updater.zero_grad()\n", ""),
            cause="the optimizer's gradients are never cleared, so each step adds to the last ones: "
                  "call updater.zero_grad() before backward()"),
    mistake("train_epoch_custom_updater_mean", "train_epoch_ch3",
            ("            l.sum().backward()\n", "            l.mean().backward()\n"),
            cause="the book's updater divides by the batch size itself: call backward() on l.sum(), not l.mean()"),
]

ALTERNATIVES = [
    alternative("softmax_with_torch", ("    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)\n"
                                       "    partition = X_exp.sum(1, keepdim=True)\n    return X_exp / partition\n",
                                       "    return torch.softmax(X, dim=1)\n")),
]
