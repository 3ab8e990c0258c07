"""Eligibility self-check for the Netflix-Audiens emergency fund (2020).

``selfcheck.engine`` is the pure-Python engine (stdlib only, runs in Pyodide);
``selfcheck.rules`` loads and validates rules files; ``selfcheck.cli`` is the
command line. Importing the package imports none of them.
"""

__version__ = "1.0.0"
