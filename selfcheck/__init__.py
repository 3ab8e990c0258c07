"""Eligibility rules as data: the engine, its loader and its command line.

``selfcheck.engine`` evaluates answers against a rule set (standard library
only: it also runs in Pyodide, with ``analysis``, ``conditions``, ``form``,
``formatting``, ``parsing`` and ``words``); ``selfcheck.loader`` reads and
validates rules files; ``selfcheck.cli`` is the command line. Importing the
package imports none of them.
"""

__version__ = "1.0.0"
