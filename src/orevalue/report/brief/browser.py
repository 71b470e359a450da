"""Headless Chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``): open a
local file, wait for its charts, print it to PDF, take a screenshot, and record every console
message and every network request on the way. No Python dependency, no port opened.

The browser runs with a fresh profile, networking features off and every host name resolving
nowhere; :meth:`Page.open` can also put the page offline, so nothing leaves the machine.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Names tried on PATH when OREVALUE_CHROMIUM is not set.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-quic",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--allow-file-access-from-files",
)


#: Puts the protocol pipe on fds 3 and 4, where Chromium expects it, then becomes Chromium.
TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


class BrowserError(RuntimeError):
    """Chromium is missing, failed to start, or did not answer in time."""


def find_chromium() -> str | None:
    """Path of a Chromium: $OREVALUE_CHROMIUM, else the first of :data:`CANDIDATES` on PATH."""
    env = os.environ.get("OREVALUE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLog:
    """What happened while a page was open."""

    console: list[dict[str, Any]] = field(default_factory=list)  # {level, text}
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL requested
    failed: list[str] = field(default_factory=list)  # URLs whose load failed

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions."""
        return [m["text"] for m in self.console if m["level"] == "error"] + self.exceptions

    @property
    def external_requests(self) -> list[str]:
        """Requests for anything but the page's own file and inline data."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:", "about:"))]


class Chromium:
    """One headless Chromium, driven over a pipe. Use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise BrowserError(
                "no Chromium found: install it (Debian: apt-get install chromium) "
                "or set OREVALUE_CHROMIUM to its path"
            )
        self.timeout = timeout
        self._id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="orevalue-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # out of the way of fds 3 and 4, which the child needs for the protocol
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        args = [
            self.executable,
            *FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", TRAMPOLINE, str(high_r), str(high_w), *args],
                pass_fds=(high_r, high_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise BrowserError(f"{self.executable}: cannot start: {exc}") from None
        finally:
            os.close(high_r)
            os.close(high_w)
        try:
            self.send("Target.setDiscoverTargets", {"discover": False})
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._proc.poll() is None:
                with contextlib.suppress(OSError):
                    self._write({"id": 0, "method": "Browser.close"})
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
        finally:
            for fd in (self._to_child, self._from_child):
                with contextlib.suppress(OSError):
                    os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)

    # -------------------------------------------------------------- protocol

    def _write(self, message: dict[str, Any]) -> None:
        os.write(self._to_child, json.dumps(message).encode() + b"\0")

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            import select

            ready, _, _ = select.select([self._from_child], [], [], 0.2)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise BrowserError("Chromium closed the connection (did it crash?)")
                self._buffer += chunk
            elif self._proc.poll() is not None:
                raise BrowserError(f"Chromium exited with code {self._proc.returncode}")
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def events(self) -> list[dict[str, Any]]:
        """Events received so far (and forget them)."""
        out, self._events = self._events, []
        return out

    def pump(self, seconds: float) -> None:
        """Read events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = self._read(deadline)
            except BrowserError:
                if self._proc.poll() is not None:
                    raise
                return
            if "method" in message:
                self._events.append(message)

    def page(self, width: int = 1000, height: int = 1400) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        return Page(self, session, width, height)


class Page:
    """One tab."""

    def __init__(self, browser: Chromium, session: str, width: int, height: int):
        self.browser, self.session = browser, session
        self.log = PageLog()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.browser.send(method, params, self.session)
        self._absorb()
        return result

    def _absorb(self) -> None:
        keep = []
        for event in self.browser.events():
            if event.get("sessionId") != self.session:
                keep.append(event)
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
                level = {"warning": "warning", "error": "error", "assert": "error"}.get(
                    params.get("type", ""), "info"
                )
                self.log.console.append({"level": level, "text": text})
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.log.exceptions.append(
                    details.get("exception", {}).get("description") or details.get("text", "")
                )
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                level = "error" if entry.get("level") == "error" else entry.get("level", "info")
                self.log.console.append({"level": level, "text": entry.get("text", "")})
            elif method == "Network.requestWillBeSent":
                self.log.requests.append(params.get("request", {}).get("url", ""))
            elif method == "Network.loadingFailed":
                self.log.failed.append(params.get("requestId", ""))
        self.browser._events = keep + self.browser._events

    def open(self, path: Path, offline: bool = True, wait_for: str | None = None) -> None:
        """Load a local file; with ``offline``, every network request fails. When
        ``wait_for`` is a JavaScript expression, wait until it is truthy."""
        if offline:
            self.send(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
        self.send("Page.navigate", {"url": Path(path).resolve().as_uri()})
        self.wait(wait_for or "document.readyState === 'complete'")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def wait(self, expression: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            self.browser.pump(0.05)
            self._absorb()

    def settle(self, seconds: float = 0.3) -> None:
        """Let late events (requests, console messages) arrive."""
        self.browser.pump(seconds)
        self._absorb()

    def pdf(self) -> bytes:
        """The page printed to PDF as its print CSS lays it out (A4), with page numbers."""
        footer = (
            '<div style="font-size:7px;width:100%;text-align:center;color:#777;'
            'font-family:Liberation Sans,Arial,sans-serif">'
            '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
        )
        result = self.send(
            "Page.printToPDF",
            {
                "printBackground": True,
                "preferCSSPageSize": True,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": footer,
            },
        )
        return base64.b64decode(result["data"])

    def screenshot(self, full_page: bool = False) -> bytes:
        """A PNG of the viewport, or of the whole page."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": size["width"],
                "height": size["height"],
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])


def print_pdf(html_path: Path, timeout: float = 60.0) -> tuple[bytes, PageLog]:
    """Open ``html_path`` offline, wait for its charts, print it to PDF."""
    with Chromium(timeout=timeout) as browser:
        page = browser.page()
        page.open(html_path, offline=True, wait_for=CHARTS_DONE)
        data = page.pdf()
        page.settle(0.05)
        return data, page.log


#: True once brief.js has drawn every chart (or given up).
CHARTS_DONE = "document.body && document.body.hasAttribute('data-charts')"
