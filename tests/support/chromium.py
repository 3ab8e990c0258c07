"""How the project's browser tests and benchmarks start Debian's Chromium.

Headless, with the flags this workplace needs (no sandbox as root, no GPU, no
background traffic), and every host name but 127.0.0.1 unresolvable: a stray
request fails loudly (and is recorded) instead of hanging or leaving the machine.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
