"""Hidden grading suite of linear_regression_concise: one file per exercise."""
