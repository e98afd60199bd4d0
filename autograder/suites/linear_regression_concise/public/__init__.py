"""Public checks of linear_regression_concise: no reference solution needed."""
