"""Regions → regional services (СЗН) → centres (ЦЗН) → departments: the structure everything else hangs on.
The bottom layer: it imports no other domain. Its pages (structure, staff, import) live in accounts/staff."""
