"""The forms, one module per feature (the same names as ``cases/views/``)."""
