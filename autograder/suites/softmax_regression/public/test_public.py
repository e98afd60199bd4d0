"""Public checks a student may run (`python -m autograder check softmax_regression`): known values, shapes and
properties, no reference solution. The hidden grading suite checks more."""

import math

import torch

from autograder import book
from autograder.checks import (
    expect,
    expect_close,
    expect_figure,
    expect_float,
    expect_python_float,
    expect_sequence,
    expect_tensor,
)
from autograder.plugin import exercise
from autograder.suites.softmax_regression import harness

NAMES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def _images(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n images (n, 1, 28, 28) whose class i is a bright band in rows 2i..2i+2, and their labels."""
    y = torch.arange(n) % 10
    X = torch.zeros(n, 1, 28, 28)
    for k, label in enumerate(y.tolist()):
        X[k, 0, 2 * label:2 * label + 3] = 1.0
    return X, y


@exercise("load_data_fashion_mnist", points=1)
def test_loaders_from_small_idx_files(sub):
    """4 training and 3 test images in IDX files give loaders of (batch, 1, 28, 28) float32 images in [0, 1]"""
    images = (torch.arange(7 * 28 * 28) % 256).to(torch.uint8).reshape(7, 28, 28)
    labels = torch.tensor([3, 1, 4, 1, 5, 9, 2], dtype=torch.uint8)
    sub.substitute(book.sources(harness, "write_fashion_mnist"))
    root = sub.new("write_fashion_mnist", images[:4], labels[:4], images[4:], labels[4:])
    call = "load_data_fashion_mnist(2, root=folder)"
    train, test = expect_sequence(sub.call("load_data_fashion_mnist", 2, root=root), call, length=2,
                                  hint="return the train and the test DataLoader")
    test = sub.hold(test, f"the test loader of {call}")
    for k, item in enumerate(expect_sequence(list(test.items()), f"the minibatches of {test.label}")):
        X, y = expect_sequence(item, f"minibatch {k} of {test.label}", length=2)
        X = expect_tensor(X, f"the images of minibatch {k}", dtype=torch.float32)
        expect(tuple(X.shape[1:]) == (1, 28, 28), f"the images of minibatch {k} have shape {tuple(X.shape)}, "
               "expected (batch, 1, 28, 28)")
        expect(float(X.min()) >= 0 and float(X.max()) <= 1, f"the pixels of minibatch {k} are not in [0, 1]: "
               "divide the uint8 pixels by 255")
        expect_tensor(y, f"the labels of minibatch {k}", shape=(len(X),), dtype=torch.int64)


@exercise("get_fashion_mnist_labels", points=1)
def test_label_names(sub):
    """get_fashion_mnist_labels(torch.tensor([0, 9, 5])) is ['t-shirt', 'ankle boot', 'sandal']"""
    got = sub.call("get_fashion_mnist_labels", torch.tensor([0, 9, 5]))
    expect(got == ["t-shirt", "ankle boot", "sandal"],
           f"get_fashion_mnist_labels(torch.tensor([0, 9, 5])) is {got}, expected ['t-shirt', 'ankle boot', 'sandal']")


@exercise("show_images", points=1)
def test_a_row_of_two_images(sub):
    """show_images(imgs, 1, 2) returns a Figure with one image on each of its 2 axes, the axes hidden"""
    fig = expect_figure(sub.call("show_images", torch.rand(2, 28, 28), 1, 2), "show_images(imgs, 1, 2)")
    expect(len(fig.axes) == 2, f"show_images(imgs, 1, 2) has {len(fig.axes)} axes, expected 2")
    for i, ax in enumerate(fig.axes):
        expect(len(ax.images) == 1, f"axes {i} of show_images(imgs, 1, 2) holds {len(ax.images)} images, expected 1")
        expect(ax.axis_visible == (False, False), f"axes {i} of show_images(imgs, 1, 2) shows its axes: hide them")


@exercise("softmax", points=1)
def test_softmax_known_values(sub):
    """softmax([[0, log 3], [1000, 1000]]) is [[0.25, 0.75], [0.5, 0.5]]: rows sum to 1, large logits are finite"""
    X = torch.tensor([[0.0, math.log(3)], [1000.0, 1000.0]])
    got = expect_tensor(sub.call("softmax", X), "softmax(X)", shape=(2, 2))
    expect_close(got, torch.tensor([[0.25, 0.75], [0.5, 0.5]]), "softmax([[0, log 3], [1000, 1000]])")


@exercise("net", points=1, builds_on=("softmax",))
def test_zero_parameters_give_uniform_probabilities(sub):
    """net(X, W, b) of 2 images (1, 2, 2) with W = 0 (4, 5) and b = 0 is 0.2 everywhere, shape (2, 5)"""
    got = expect_tensor(sub.call("net", torch.rand(2, 1, 2, 2), torch.zeros(4, 5), torch.zeros(5)),
                        "net(X, W, b) for 2 images of 2x2 and 5 classes", shape=(2, 5),
                        hint="flatten each image first: X.reshape((-1, W.shape[0]))")
    expect_close(got, torch.full((2, 5), 0.2), "net(X, 0, 0)")


@exercise("cross_entropy", points=1)
def test_the_books_example(sub):
    """the book's example: y_hat = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], y = [0, 2] gives [-log 0.1, -log 0.5]"""
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    got = expect_tensor(sub.call("cross_entropy", y_hat, torch.tensor([0, 2])), "cross_entropy(y_hat, [0, 2])",
                        shape=(2,))
    expect_close(got, -torch.log(torch.tensor([0.1, 0.5])), "cross_entropy(y_hat, [0, 2])")


@exercise("accuracy", points=1)
def test_the_books_accuracy(sub):
    """accuracy(y_hat, [0, 2]) for the book's y_hat is 1.0: one of the two rows has its largest entry at the label"""
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    got = expect_python_float(sub.call("accuracy", y_hat, torch.tensor([0, 2])), "accuracy(y_hat, [0, 2])",
                              hint="return float(...) of the count")
    expect(got == 1.0, f"accuracy(y_hat, [0, 2]) is {got:g}, expected 1.0 (the count, not the fraction)")


@exercise("Accumulator", points=1)
def test_two_running_sums(sub):
    """Accumulator(2) after add(1, torch.tensor(2.)) and add(3, 4) reads the Python floats 4.0 and 6.0"""
    acc = sub.new("Accumulator", 2)
    acc.call("add", 1, torch.tensor(2.0))
    acc.call("add", 3, 4)
    got = [expect_python_float(acc.call("__getitem__", i), f"acc[{i}]", hint="add float(b) to each sum")
           for i in range(2)]
    expect(got == [4.0, 6.0], f"Accumulator(2) after add(1, torch.tensor(2.)) and add(3, 4) reads {got}, expected "
           "[4.0, 6.0]")


def _classifier(sub, seed: int = 0):
    """A PixelClassifier in the runner, with small weights the check knows: (remote network, weight, bias)."""
    generator = torch.Generator().manual_seed(seed)
    weight, bias = 0.01 * torch.randn(10, 784, generator=generator), torch.zeros(10)
    sub.substitute(book.sources(harness, "PixelClassifier", "OptimizerParts"))
    return sub.new("PixelClassifier", weight, bias), weight, bias


@exercise("evaluate_accuracy", points=1, builds_on=("accuracy", "Accumulator"))
def test_evaluate_a_module(sub):
    """evaluate_accuracy(net, data) is the fraction right over both minibatches, and leaves net in eval mode"""
    net, weight, bias = _classifier(sub)
    X, y = _images(12)
    right = int(((X.reshape(12, -1) @ weight.T + bias).argmax(dim=1) == y).sum())
    got = expect_float(sub.call("evaluate_accuracy", net, [(X[:8], y[:8]), (X[8:], y[8:])]),
                       "evaluate_accuracy(net, data_iter)")
    expect(abs(got - right / 12) < 1e-9, f"evaluate_accuracy(net, data_iter) is {got:g}, expected {right}/12")
    expect(net.state()["training"] is False, "evaluate_accuracy(net, data_iter) leaves net in training mode: "
           "call net.eval()")


def _parts(sub, net, lr=0.5):
    parts = sub.new("OptimizerParts", net, lr)
    return sub.hold(parts.get("criterion"), "loss"), sub.hold(parts.get("optimizer"), "trainer")


@exercise("train_epoch_ch3", points=1, builds_on=("accuracy", "Accumulator"))
def test_one_epoch_with_an_optimizer(sub):
    """train_epoch_ch3 with nn.CrossEntropyLoss(reduction='none') and SGD changes the weights and returns
    (loss > 0, accuracy in [0, 1])"""
    net, weight, _ = _classifier(sub)
    loss, trainer = _parts(sub, net)
    X, y = _images(20)
    call = "train_epoch_ch3(net, train_iter, loss, trainer)"
    got = expect_sequence(sub.call("train_epoch_ch3", net, [(X[:10], y[:10]), (X[10:], y[10:])], loss, trainer),
                          call, length=2, hint="return (mean loss, accuracy)")
    mean_loss, acc = (expect_float(v, f"{name} from {call}") for v, name in zip(got, ("the loss", "the accuracy")))
    expect(mean_loss > 0 and 0 <= acc <= 1, f"{call} returned ({mean_loss:g}, {acc:g}): expected a positive loss "
           "and an accuracy in [0, 1]")
    expect(not torch.equal(net.state()["state"]["weight"], weight), f"{call} did not change the weights")


@exercise("train_ch3", points=1, builds_on=("train_epoch_ch3", "evaluate_accuracy"))
def test_two_epochs_of_history(sub):
    """train_ch3(..., 2, trainer) returns 2 triples (train loss, train accuracy, test accuracy), the loss falling"""
    net, _, _ = _classifier(sub)
    loss, trainer = _parts(sub, net)
    X, y = _images(20)
    call = "train_ch3(net, train_iter, test_iter, loss, 2, trainer)"
    history = expect_sequence(sub.call("train_ch3", net, [(X[:10], y[:10]), (X[10:], y[10:])], [(X, y)], loss, 2,
                                       trainer), call, length=2, hint="one (loss, accuracy, test accuracy) per epoch")
    epochs = [[expect_float(v, f"epoch {e + 1} of {call}") for v in expect_sequence(h, f"epoch {e + 1} of {call}",
                                                                                   length=3)]
              for e, h in enumerate(history)]
    expect(epochs[1][0] < epochs[0][0], f"the training loss of {call} went from {epochs[0][0]:.4g} to "
           f"{epochs[1][0]:.4g}: it should fall")


@exercise("predict_ch3", points=1, builds_on=("get_fashion_mnist_labels",))
def test_three_predictions(sub):
    """predict_ch3(net, test_iter, n=3) gives 3 true names, those of the first minibatch, and 3 predicted names"""
    X, y = _images(8)
    got = expect_sequence(sub.call("predict_ch3", _classifier(sub)[0], [(X[:4], y[:4]), (X[4:], y[4:])], n=3),
                          "predict_ch3(net, test_iter, n=3)", length=2, hint="return (trues, preds)")
    trues, preds = (expect_sequence(v, f"the {w} names from predict_ch3(net, test_iter, n=3)", length=3)
                    for v, w in zip(got, ("true", "predicted")))
    expect(trues == [NAMES[i] for i in y[:3].tolist()], f"the true names from predict_ch3(net, test_iter, n=3) are "
           f"{trues}, expected {[NAMES[i] for i in y[:3].tolist()]}")
    expect(all(p in NAMES for p in preds), f"the predicted names {preds} are not Fashion-MNIST names")


@exercise("concise_net", points=1)
def test_flatten_and_linear(sub):
    """concise_net() is nn.Sequential(nn.Flatten(), nn.Linear(784, 10)): (n, 1, 28, 28) images give (n, 10)"""
    net = sub.new("concise_net")
    children = net.state()["children"]
    expect(children == ["Flatten", "Linear"], f"concise_net() holds {children}, expected ['Flatten', 'Linear']")
    expect_tensor(net(torch.rand(2, 1, 28, 28)), "concise_net()(X) for 2 images", shape=(2, 10))


@exercise("train_concise", points=1, builds_on=("train_ch3", "concise_net"))
def test_train_concise_returns_the_net_and_its_history(sub):
    """train_concise(train_iter, test_iter, num_epochs=2) returns (net, history) with 2 epochs of history"""
    X, y = _images(20)
    call = "train_concise(train_iter, test_iter, num_epochs=2)"
    got = expect_sequence(sub.call("train_concise", [(X[:10], y[:10]), (X[10:], y[10:])], [(X, y)], num_epochs=2),
                          call, length=2, hint="return (net, history)")
    expect(sub.hold(got[0], f"the network from {call}").type_name == "Sequential",
           f"the network from {call} is not the nn.Sequential of concise_net()")
    expect_sequence(got[1], f"the history from {call}", length=2, hint="one (loss, accuracy, test accuracy) per epoch")
