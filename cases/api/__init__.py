"""REST API v1 under /api/v1/: serializers, filters, views and URLs.

The API follows the same rules as the web pages: every queryset comes from
``cases.permissions`` (``visible_to``/``editable_by``, ``can_edit_case`` …),
writes go through ``cases.actions`` (``do_create_case``, ``do_cast_vote``,
``do_open_session`` …) and session numbers come from ``cases.results``.
Nothing in this package decides on its own who may see or change what.

Error bodies: 400 ``{"field": ["message"]}``, every other error
``{"detail": "…"}`` (``errors.py``).
"""
