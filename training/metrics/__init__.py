"""Measures of client experience: formulas and scales (pure maths), client feedback, operational data and IQS,
the client-centricity index and its snapshots, the dashboards and reports. One sub-package per seam."""
