"""The site build: MkDocs hooks (hooks.py), the generated pages (pages.py), the
self-check widget's template context (widget.py) and files (bundle.py), the theme
(theme/), the widget's scripts (web/) and the local server (serve.py)."""
