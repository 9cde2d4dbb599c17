"""The maths of measurement, pure and without a database: the client metrics of section 2.4 (formulas.py), the
anchors, weights and shrinkage of the index and the competence scores (scales.py), calendar periods in Moscow time
(periods.py). Any layer may use it; it imports nothing of the domains."""
