"""A minimal LSP client over stdio, shared by scripts/lsp-compare.py and
bench/lsp-latency.py: spawns a server, frames JSON-RPC, answers the server's
own requests (progress, registrations, configuration) and times requests."""

import atexit
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse


def file_uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def uri_path(uri):
    """The local path of a file URI, symlinks resolved (the workspace below is made of them)."""
    if not uri.startswith("file://"):
        return uri
    return os.path.realpath(urllib.parse.unquote(uri[len("file://"):]))


def module_of(corpus):
    """A directory both servers can open as one workspace over `corpus`: a
    `buf.yaml` (v2, the directory as the module) beside symlinks to the corpus's
    top-level entries. Without it buf resolves no import of a googleapis file
    ("imported file does not exist"), and the corpus itself is left untouched
    (other tools read it). Removed at exit."""
    directory = tempfile.mkdtemp(prefix="idl-lsp-module-")
    atexit.register(shutil.rmtree, directory, True)
    for entry in sorted(os.listdir(corpus)):
        if not entry.startswith("."):
            os.symlink(os.path.join(os.path.abspath(corpus), entry), os.path.join(directory, entry))
    with open(os.path.join(directory, "buf.yaml"), "w") as f:
        f.write("version: v2\n")
    return directory


class Client:
    def __init__(self, command, cwd, root=None, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.messages = queue.Queue()
        self.next_id = 0
        self.notifications = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        root = os.path.abspath(root or cwd)
        self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": file_uri(root),
            "workspaceFolders": [{"uri": file_uri(root), "name": os.path.basename(root)}],
            "capabilities": {
                "window": {"workDoneProgress": True},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}, "configuration": True},
                "textDocument": {
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                    "rename": {"prepareSupport": True},
                    "publishDiagnostics": {"versionSupport": True},
                },
            },
        }, timeout=120)
        self.notify("initialized", {})

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = out.read(length)
            message = json.loads(body)
            if "method" in message and "id" in message:
                # A request from the server: answer so it does not wait.
                result = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message.get("params", {}).get("items", [])]
                self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            self.messages.put(message)

    def _write(self, message):
        body = json.dumps(message).encode()
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def notify(self, method, params):
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message")
            message = self.messages.get(timeout=left)
            if message is None:
                raise EOFError("server closed its output")
            if "method" in message:
                self.notifications.append(message)
            if predicate(message):
                return message

    def request(self, method, params, timeout=60):
        """The response's result (or its error as {"error": ...}) and the seconds it took."""
        self.next_id += 1
        request_id = self.next_id
        started = time.perf_counter()
        self._write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        response = self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)
        self.last_elapsed = time.perf_counter() - started
        if "error" in response:
            return {"error": response["error"]}
        return response.get("result")

    def open(self, path, version=1):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": file_uri(path), "languageId": "proto", "version": version, "text": text}})
        return text

    def diagnostics(self, path, timeout=120):
        uri = file_uri(path)
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri, timeout)

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
