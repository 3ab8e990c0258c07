#!/usr/bin/python3
"""A minimal WebKitGTK browser for WebKitWebDriver, used by the tests and benchmarks.

WebKitWebDriver starts it (``webkitgtk:browserOptions.binary``) in place of
MiniBrowser, which in automation mode always uses an ephemeral session where
WebKit writes no console message anywhere. This one keeps its profile in a
fresh temporary folder (removed when it exits) and writes every console message
(pages and workers) to its standard output, which is the driver's log:
``URL:LINE:COLUMN: CONSOLE ERROR text``, ``CONSOLE JS ERROR text`` for
uncaught errors. Its window has no toolbar, so the viewport is the window.

Run by Debian's Python (``python3-gi``, ``gir1.2-webkit2-4.1``), not the
project's virtual environment. Arguments (MiniBrowser's names):

  --automation            required by WebKitWebDriver (accepted, implied)
  --proxy=URL             every request through this HTTP proxy …
  --ignore-host=HOST      … except those to HOST (repeatable)
  --content-filter=FILE   a WebKit content-blocker list (JSON), applied to every page
  --no-service-workers    turn WebKit's "ServiceWorkers" feature off (as Playwright's
                          ``service_workers="block"`` in Chromium): no
                          ``navigator.serviceWorker``; on by default, as in Safari
"""

import argparse
import atexit
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

NAME = "selfcheck-webkit"  # the session's browserName (the driver matches it)


def parse(argv):
    parser = argparse.ArgumentParser(prog=NAME)
    parser.add_argument("--automation", action="store_true")
    parser.add_argument("--proxy")
    parser.add_argument("--ignore-host", action="append", default=[])
    parser.add_argument("--content-filter")
    parser.add_argument("--no-service-workers", action="store_true")
    # Anything else the driver may add is not ours to refuse.
    return parser.parse_known_args(argv)[0]


class ContentFilter:
    """A content-blocker list, compiled by WebKit in the background (compiling it
    before answering the driver would race with the driver's first request)."""

    def __init__(self, store_dir: str, rules_file: str, content) -> None:
        self.rules_file = rules_file
        self.done = False
        self._content = content
        store = WebKit2.UserContentFilterStore.new(store_dir)
        data = GLib.Bytes.new(Path(rules_file).read_bytes())
        store.save("rules", data, None, self._saved)

    def _saved(self, store, result) -> None:
        try:
            self._content.add_filter(store.save_finish(result))
        except GLib.Error as error:
            sys.stderr.write(f"{NAME}: content filter {self.rules_file}: {error.message}\n")
        self.done = True

    def wait(self) -> None:
        """Until the list applies (or failed to compile: said on stderr)."""
        while not self.done:
            GLib.MainContext.default().iteration(True)


def disable_feature(settings, identifier: str) -> None:
    """Turn one of WebKit's features off (WebKitGTK 2.42+: ``WebKitFeature``)."""
    features = WebKit2.Settings.get_all_features()
    for index in range(features.get_length()):
        feature = features.get(index)
        if feature.get_identifier() == identifier:
            settings.set_feature_enabled(feature, False)
            return
    raise SystemExit(f"{NAME}: this WebKitGTK has no feature {identifier!r}")


def main(argv=None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    profile = tempfile.mkdtemp(prefix="selfcheck-webkit-")
    atexit.register(shutil.rmtree, profile, True)
    content = WebKit2.UserContentManager()
    manager = WebKit2.WebsiteDataManager(
        base_data_directory=f"{profile}/data", base_cache_directory=f"{profile}/cache"
    )
    if args.proxy:
        settings_ = WebKit2.NetworkProxySettings.new(args.proxy, args.ignore_host or None)
        manager.set_network_proxy_settings(WebKit2.NetworkProxyMode.CUSTOM, settings_)
    context = WebKit2.WebContext(website_data_manager=manager)
    context.set_automation_allowed(True)
    settings = WebKit2.Settings()
    settings.set_enable_write_console_messages_to_stdout(True)
    if args.no_service_workers:
        disable_feature(settings, "ServiceWorkers")
    windows = []

    def closed(window):
        windows.remove(window)
        if not windows:  # the session's end closes every window
            Gtk.main_quit()

    def create_web_view(session, *_):
        if blocker:
            blocker.wait()
        view = WebKit2.WebView(
            web_context=context,
            settings=settings,
            user_content_manager=content,
            is_controlled_by_automation=True,
        )
        window = Gtk.Window()
        window.set_default_size(1280, 800)
        window.add(view)
        window.connect("destroy", closed)
        view.connect("close", lambda _view: window.destroy())  # the driver closes it
        windows.append(window)
        window.show_all()
        return view

    def automation_started(_context, session):
        info = WebKit2.ApplicationInfo()
        info.set_name(NAME)
        info.set_version(
            WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version()
        )
        session.set_application_info(info)
        session.connect("create-web-view", create_web_view)

    context.connect("automation-started", automation_started)
    blocker = None
    if args.content_filter:  # every page the session opens gets it
        blocker = ContentFilter(f"{profile}/filters", args.content_filter, content)

    def stop(*_):
        Gtk.main_quit()
        return False

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, stop)
    sys.stdout.reconfigure(line_buffering=True)
    Gtk.main()


if __name__ == "__main__":
    main()
