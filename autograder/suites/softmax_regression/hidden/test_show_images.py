"""show_images: the figure is inspected (one image per axes, titles, hidden axes, size), never looked at as pixels
on screen. Grids are as small as tell the mistakes apart: 2 x 2 for the order, 1 x 2 for the size (width and
height differ), 1 x 1 for a grid of one."""

import numpy as np
import torch

from autograder.checks import expect, expect_figure
from autograder.plugin import exercise


def _show(sub, imgs, rows, cols, **kwargs):
    shown = ", ".join([f"imgs ({len(imgs)} images)", str(rows), str(cols),
                       *(f"{k}={'[...]' if k == 'titles' else v}" for k, v in kwargs.items())])
    call = f"show_images({shown})"
    fig = expect_figure(sub.call("show_images", imgs, rows, cols, **kwargs), call)
    expect(len(fig.axes) == rows * cols, f"{call} has {len(fig.axes)} axes, expected {rows * cols}: "
           "plt.subplots(num_rows, num_cols)")
    return fig, call


@exercise("show_images", points=1)
def test_one_image_per_axes_with_the_axes_hidden(sub, rng):
    """draws image i on the i-th axes (row by row), with both axes hidden and no titles by default, in any grid"""
    imgs = torch.rand(4, 5, 7, generator=rng)
    fig, call = _show(sub, imgs, 2, 2)
    for i, ax in enumerate(fig.axes):
        expect(len(ax.images) == 1, f"axes {i} of {call} holds {len(ax.images)} images, expected 1: "
               "ax.imshow(img) on each axes")
        expect(np.allclose(ax.images[0], imgs[i].numpy(), atol=1e-6),
               f"axes {i} of {call} does not show image {i}: pair the axes (row by row) with the images, "
               "zip(axes.flatten(), imgs)")
        expect(ax.axis_visible == (False, False), f"axes {i} of {call} shows its x or y axis: hide both, "
               "ax.axes.get_xaxis().set_visible(False) and the same for the y axis")
        expect(ax.title == "", f"axes {i} of {call} has the title {ax.title!r}, but no titles were given")
    one, call = _show(sub, imgs[:1], 1, 1)
    expect(len(one.axes[0].images) == 1, f"{call} should draw its one image on its one axes: with "
           "plt.subplots(1, 1, squeeze=False) the axes are still a grid to flatten")


@exercise("show_images", points=1)
def test_titles_and_figure_size(sub, rng):
    """titles each axes with its title, and the figure is num_cols * scale wide and num_rows * scale high"""
    imgs = torch.rand(2, 4, 4, generator=rng)
    titles = ["first image", "second image"]
    fig, call = _show(sub, imgs, 1, 2, titles=titles, scale=2.5)
    got = [ax.title for ax in fig.axes]
    expect(got == titles, f"the axes of {call} have the titles {got}, expected {titles}: ax.set_title(titles[i])")
    width, height = (round(v, 6) for v in fig.size)
    expect((width, height) == (5.0, 2.5), f"the figure of {call} is {width:g} x {height:g} inches, expected 5 wide "
           "and 2.5 high: figsize = (num_cols * scale, num_rows * scale)")
