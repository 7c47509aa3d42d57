"""The pages, one module per feature; ``cases/urls.py`` is their table of contents."""
