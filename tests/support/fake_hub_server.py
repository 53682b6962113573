#!/usr/bin/env python3
"""A loopback HTTP/1.1 server that speaks the Hugging Face Hub's download API, for synthembed's tests.

It serves the files under --root: ROOT/ORG/NAME/<files> is repo ORG/NAME (every revision it knows
names the same files); ROOT/datasets/ORG/NAME/<files> is dataset repo ORG/NAME, served under
/api/datasets/ORG/NAME/... and /datasets/ORG/NAME/resolve/... (configured as "datasets/ORG/NAME").

  GET  /api/models/ORG/NAME/revision/REV   {"id", "sha", "siblings": [{"rfilename"}]}
  GET  /api/models/ORG/NAME/tree/REV       [{"type", "path", "size", "oid", "lfs"}] (huggingface_hub's listing)
  HEAD/GET /ORG/NAME/resolve/REV/FILE      REV: a ref name or the commit. LFS files (.safetensors,
       .bin, .model, .gguf) answer 302 to /cdn/<sha256> with X-Linked-Etag (the sha256) and
       X-Linked-Size; other files answer 200 with ETag (the git blob sha1). Both carry X-Repo-Commit.
  HEAD/GET /cdn/<sha256>?...               the LFS content; honours "Range: bytes=N-" (206).
  GET  /_stats                             {"requests": [{"method", "path", "range", "auth"}]}
                                           ("auth": whether an Authorization header came, never its value)
  POST /_config                            replaces the configuration (JSON as for --config)
  POST /_reset                             clears the request log

Configuration (JSON):
  {"repos": {"ORG/NAME": {"commit": "<40 hex>", "refs": ["main", "v1"], "gated_token": "secret",
                          "private": false}},
   "cdn_host_name": "localhost" (optional: redirect LFS files to another origin than the endpoint's),
   "faults": [{"file": "model.safetensors", "mode": MODE, "after": BYTES, "times": N}]}
A gated repo answers resolve requests without "Authorization: Bearer <gated_token>" with 401 (the
file list stays public, as on the hub); a private one also refuses the file list.
MODE: drop (send the headers of the whole file, then BYTES bytes of it counted from the file's start,
then close the connection), corrupt (flip one byte of the body), ignore_range (answer 200 to a Range
request), slow (send the body in pieces of "chunk" bytes, default 4096, "delay" seconds apart, default
0.05: a download long enough to watch or cancel). "times" (default 1) limits how often a fault fires.

Run:  fake_hub_server.py --root DIR [--port 0] [--config JSON]; prints "PORT <n>" once it listens.
"""

import argparse
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_EXT = (".safetensors", ".bin", ".model", ".gguf", ".gz", ".parquet")

STATE = {"config": {"repos": {}, "faults": []}, "requests": [], "lock": threading.Lock()}


def repo_cfg(repo):
    return STATE["config"].get("repos", {}).get(repo, {})


def commit_of(repo):
    return repo_cfg(repo).get("commit") or hashlib.sha1(repo.encode()).hexdigest()


def repo_files(root, repo):
    base = os.path.join(root, repo)
    out = []
    for d, _, files in os.walk(base):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), base).replace(os.sep, "/"))
    return sorted(out)


def find_blob(root, sha):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f.endswith(LFS_EXT) and hashlib.sha256(open(p, "rb").read()).hexdigest() == sha:
                return p
    return None


def take_fault(name, mode):
    with STATE["lock"]:
        for f in STATE["config"].get("faults", []):
            if f.get("mode") == mode and f.get("file") in (None, name) and f.get("times", 1) > 0:
                f["times"] = f.get("times", 1) - 1
                return f
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1"

    def log_message(self, *args):
        pass

    def record(self):
        with STATE["lock"]:
            STATE["requests"].append({"method": self.command, "path": self.path,
                                      "range": self.headers.get("Range", ""),
                                      "auth": self.headers.get("Authorization") is not None})

    def send_json(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def authorized(self, repo):
        token = repo_cfg(repo).get("gated_token")
        return not token or self.headers.get("Authorization") == "Bearer " + token

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b"{}"
        if self.path == "/_config":
            STATE["config"] = json.loads(body)
        elif self.path == "/_reset":
            with STATE["lock"]:
                STATE["requests"] = []
        self.send_json(200, {"ok": True})

    def do_HEAD(self):
        self.handle_get()

    def do_GET(self):
        self.handle_get()

    def handle_get(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path == "/_stats":
            with STATE["lock"]:
                return self.send_json(200, {"requests": list(STATE["requests"])})
        self.record()
        parts = path.strip("/").split("/")
        root = self.server.root
        # Dataset repos: the same routes with "datasets/" before ORG/NAME (their repo key and folder).
        if len(parts) >= 6 and parts[0] == "api" and parts[1] == "datasets":
            parts = ["api", "models", "datasets/" + parts[2]] + parts[3:]
        elif len(parts) >= 6 and parts[0] == "datasets" and parts[3] == "resolve":
            parts = ["datasets/" + parts[1]] + parts[2:]
        if len(parts) >= 6 and parts[0] == "api" and parts[1] == "models" and parts[4] == "revision":
            repo = parts[2] + "/" + parts[3]
            rev = "/".join(parts[5:])
            if not os.path.isdir(os.path.join(root, repo)) or (repo_cfg(repo).get("private") and not self.authorized(repo)):
                return self.send_json(401 if repo_cfg(repo).get("private") else 404,
                                      {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            if rev not in repo_cfg(repo).get("refs", ["main"]) and rev != commit_of(repo):
                return self.send_json(404, {"error": "Invalid rev id: " + rev}, {"X-Error-Code": "RevisionNotFound"})
            return self.send_json(200, {"id": repo, "sha": commit_of(repo),
                                        "siblings": [{"rfilename": f} for f in repo_files(root, repo)]})
        if len(parts) >= 6 and parts[0] == "api" and parts[1] == "models" and parts[4] == "tree":
            # The listing huggingface_hub's snapshot_download asks for (one page, recursive).
            repo = parts[2] + "/" + parts[3]
            if not os.path.isdir(os.path.join(root, repo)):
                return self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            entries = []
            for f in repo_files(root, repo):
                data = open(os.path.join(root, repo, f), "rb").read()
                e = {"type": "file", "path": f, "size": len(data),
                     "oid": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()}
                if f.endswith(LFS_EXT):
                    e["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
                entries.append(e)
            return self.send_json(200, entries)
        if len(parts) >= 5 and parts[2] == "resolve":
            repo = parts[0] + "/" + parts[1]
            rev = parts[3]
            name = "/".join(parts[4:])
            if not os.path.isdir(os.path.join(root, repo)):
                return self.send_json(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
            if not self.authorized(repo):
                return self.send_json(401, {"error": "Access to model %s is restricted. You must be authenticated." % repo},
                                      {"X-Error-Code": "GatedRepo"})
            if rev not in repo_cfg(repo).get("refs", ["main"]) and rev != commit_of(repo):
                return self.send_json(404, {"error": "Invalid rev id: " + rev}, {"X-Error-Code": "RevisionNotFound"})
            file = os.path.join(root, repo, name)
            if not os.path.isfile(file):
                return self.send_json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
            data = open(file, "rb").read()
            headers = {"X-Repo-Commit": commit_of(repo)}
            if name.endswith(LFS_EXT):
                sha = hashlib.sha256(data).hexdigest()
                self.server.blobs[sha] = file
                host = self.headers.get("Host", "127.0.0.1:%d" % self.server.server_port)
                if STATE["config"].get("cdn_host_name"):  # a CDN on another origin
                    host = "%s:%d" % (STATE["config"]["cdn_host_name"], self.server.server_port)
                headers.update({"Location": "http://%s/cdn/%s?name=%s" % (host, sha, urllib.parse.quote(name)),
                                "X-Linked-Etag": '"%s"' % sha, "X-Linked-Size": str(len(data)),
                                "ETag": 'W/"%s"' % hashlib.md5(data).hexdigest()})
                return self.send_json(302, {}, headers)
            git = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            headers["ETag"] = '"%s"' % git
            return self.send_content(data, name, headers)
        if len(parts) == 2 and parts[0] == "cdn":
            file = self.server.blobs.get(parts[1]) or find_blob(root, parts[1])
            if not file:
                return self.send_json(404, {"error": "no such blob"})
            return self.send_content(open(file, "rb").read(), os.path.basename(file), {"ETag": '"%s"' % parts[1]})
        self.send_json(404, {"error": "not found: " + path})

    def send_content(self, data, name, headers):
        start = 0
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-") and not take_fault(name, "ignore_range"):
            start = int(rng[6:-1])
            if start >= len(data) and len(data) > 0:
                return self.send_json(416, {"error": "range not satisfiable"},
                                      {"Content-Range": "bytes */%d" % len(data)})
        body = data[start:]
        if self.command == "GET":
            if take_fault(name, "corrupt") and body:
                mid = len(body) // 2
                body = body[:mid] + bytes([body[mid] ^ 0xFF]) + body[mid + 1:]
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "GET":
            return
        drop = take_fault(name, "drop")
        if drop:
            upto = max(0, int(drop.get("after", len(data) // 2)) - start)
            self.wfile.write(body[:upto])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        slow = take_fault(name, "slow")
        if slow:
            chunk, delay = int(slow.get("chunk", 4096)), float(slow.get("delay", 0.05))
            try:
                for i in range(0, len(body), chunk):
                    self.wfile.write(body[i:i + chunk])
                    self.wfile.flush()
                    time.sleep(delay)
            except OSError:  # the client stopped reading (a cancelled download)
                self.close_connection = True
            return
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--config", default="{}")
    args = ap.parse_args()
    cfg = json.loads(args.config)
    cfg.setdefault("repos", {})
    cfg.setdefault("faults", [])
    STATE["config"] = cfg
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.root = args.root
    server.blobs = {}
    print("PORT %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
