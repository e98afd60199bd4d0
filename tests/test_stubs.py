"""The stub generator: what a solution's markers become, and the markers it refuses."""

import pytest

from autograder.stubs import MarkerError, make_stub

SOLUTION = '''class Accumulator:
    """Sums."""

    def add(self, x):
        """Add x."""
        ### BEGIN SOLUTION
        self.total += x
        ### END SOLUTION
'''


def test_a_method_block_becomes_a_todo_and_a_raise():
    stub = make_stub(SOLUTION)
    assert "self.total += x" not in stub
    assert '        raise NotImplementedError("Accumulator.add: not implemented yet")' in stub.splitlines()
    assert "        # TODO: implement Accumulator.add (see the docstring above)." in stub.splitlines()


def test_a_block_directly_in_a_class_body_is_refused():
    """Its raise would run at class creation, so importing the untouched stub would fail before any check."""
    source = 'class Accumulator:\n    """Sums."""\n\n    ### BEGIN SOLUTION\n    def add(self, x):\n' \
             '        self.total += x\n    ### END SOLUTION\n'
    with pytest.raises(MarkerError, match=r"<solution>:4: a solution block directly in a class body"):
        make_stub(source)


def test_unbalanced_markers_are_refused():
    with pytest.raises(MarkerError, match="without ### END SOLUTION"):
        make_stub("def f():\n    ### BEGIN SOLUTION\n    return 1\n")
