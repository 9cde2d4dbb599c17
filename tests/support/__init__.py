"""What tests share, in one place: apps and databases (app.py, postgres.py), signed-in clients and browsers
(app.py, browser.py), the worlds the domain fixtures build (world.py, quiz_bank.py), threads released together
(concurrency.py) and the merged access tables (access_tables.py). conftest.py files only declare fixtures that call
these; test modules import from here, never from a conftest."""
