"""The workbench: server-rendered pages (Jinja2 + HTMX) and the REST API ``/api/v1`` on one FastAPI app.

Build it with :func:`computecredit.web.app.create_app`; serve it with ``computecredit serve``.
"""
