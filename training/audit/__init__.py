"""The audit log: who changed what, when, and the values before and after. Services call ``record`` in the
same transaction as the change. A low layer: it knows the actor only by id (the browser page lives in admin/)."""
