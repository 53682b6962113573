#!/usr/bin/env python3
"""A real OpenAI-compatible HTTP server on loopback, written for synthembed's tests and benchmark.

POST /v1/chat/completions answers according to rules; GET /stats reports what it received
(per prompt hash, and per X-Client-Request-Id header when the client sends one);
POST /config replaces the rules at run time; POST /reset clears the counters.

Answers are deterministic: the n-th request carrying a prompt always gets the same content (the
first is keyed by the prompt alone), so identical brainstorm prompts still yield new task lists.
  * a prompt that asks for a list (contains "brainstorm", or asks for a "list" and names none of the
    sample keys below) gets a JSON list of 20 task descriptions;
  * otherwise the answer is one JSON object with every sample key the prompt names in double
    quotes ("user_query", "positive_document", "hard_negative_document", "input_text", "label",
    "misleading_label", "input", "S1", "S2", "S3"); when none is named, the short-long keys.

Rules (a JSON list, first match wins; a request matching none is answered validly):
  {"match": "substring of the prompt" (optional), "mode": MODE, "ratio": 0..1 (optional, default 1,
   drawn from a seeded RNG), "attempts": N (optional: only the first N requests of each prompt),
   "limit": N (optional: at most N requests in all), "retry_after": seconds, "latency_ms": ms}
MODE is one of: valid, invalid_sample (content misses a key), not_json (content is prose),
  status_429, status_500, status_503, status_400, status_401, status_403, status_404,
  malformed (the HTTP body is not JSON), truncated (the body is cut short of Content-Length),
  hang (never answers within 10 minutes), drop (closes the connection without answering).

Run:  fake_llm_server.py [--port 0] [--latency-ms 0] [--rules JSON] [--seed 1] [--port-file F]
It prints "PORT <n>" on stdout once it listens.
"""

import argparse
import hashlib
import json
import random
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SAMPLE_KEYS = ["user_query", "positive_document", "hard_negative_document", "input_text",
               "label", "misleading_label", "input", "S1", "S2", "S3"]
DEFAULT_KEYS = ["user_query", "positive_document", "hard_negative_document"]

WORDS = ("alpha bravo cobalt delta ember fjord glacier harbor indigo jasper kernel lattice meadow nebula "
         "orchid prairie quartz raven saffron tundra umber violet willow xenon yarrow zephyr amber basalt "
         "cedar dune estuary fennel granite heron iris juniper kelp lichen marble nectar onyx pebble").split()


def prompt_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def words_for(seed_text, n):
    h = hashlib.sha256(seed_text.encode("utf-8")).digest()
    rng = random.Random(h)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def valid_content(prompt, occurrence=1):
    # The n-th request of one prompt gets its own answer (as a sampling LLM would), the same on every
    # run: the first is keyed by the prompt alone, later ones by prompt and n.
    ph = prompt_hash(prompt if occurrence <= 1 else "%s#%d" % (prompt, occurrence))[:12]
    lower = prompt.lower()
    named = [k for k in SAMPLE_KEYS if ('"%s"' % k) in prompt]
    if "brainstorm" in lower or (not named and "list" in lower):
        tasks = ["Task %s-%02d: retrieve documents about %s." % (ph, i, words_for(ph + str(i), 4))
                 for i in range(20)]
        return json.dumps(tasks)
    keys = named or DEFAULT_KEYS
    obj = {}
    for k in keys:
        if k in ("label", "misleading_label"):
            obj[k] = "%s %s" % (k, words_for(ph + k, 2))
        else:
            obj[k] = "%s %s %s" % (k, ph, words_for(ph + k, 12))
    return json.dumps(obj)


class State:
    def __init__(self, rules, seed, latency_ms):
        self.lock = threading.Lock()
        self.rules = rules
        self.rng = random.Random(seed)
        self.latency_ms = latency_ms
        self.reset()

    def reset(self):
        self.total = 0
        self.by_status = {}
        self.by_mode = {}
        self.per_prompt = {}  # hash -> {"count", "ok", "prompt"}
        self.per_request = {}  # X-Client-Request-Id -> {"count", "ok"}
        self.rule_hits = [0] * len(self.rules)
        self.prompt_tokens = 0       # reported in 200 answers with valid bodies
        self.completion_tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def choose(self, prompt, attempt):
        with self.lock:
            for i, r in enumerate(self.rules):
                if "match" in r and r["match"] not in prompt:
                    continue
                if "attempts" in r and attempt > int(r["attempts"]):
                    continue
                if "limit" in r and self.rule_hits[i] >= int(r["limit"]):
                    continue
                if self.rng.random() >= float(r.get("ratio", 1.0)):
                    continue
                self.rule_hits[i] += 1
                return r
        return {"mode": "valid"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeLLM/1.0"

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, status, obj, extra_headers=None):
        body = json.dumps(obj).encode("utf-8")
        self.send_raw(status, body, extra_headers)

    def send_raw(self, status, body, extra_headers=None, content_length=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        st = self.server.state
        if self.path.startswith("/stats"):
            with st.lock:
                per = {h: dict(v) for h, v in st.per_prompt.items()}
                out = {"total": st.total, "by_status": st.by_status, "by_mode": st.by_mode,
                       "prompt_tokens": st.prompt_tokens, "completion_tokens": st.completion_tokens,
                       "max_in_flight": st.max_in_flight, "unique_prompts": len(per),
                       "duplicates": sum(1 for v in per.values() if v["count"] > 1),
                       "ok_duplicates": sum(1 for v in per.values() if v["ok"] > 1),
                       "request_ids": len(st.per_request),
                       "request_id_duplicates": sum(1 for v in st.per_request.values() if v["count"] > 1),
                       "request_id_ok_duplicates": sum(1 for v in st.per_request.values() if v["ok"] > 1)}
                if "prompts=1" in self.path:
                    out["per_prompt"] = per
                    out["per_request"] = {k: dict(v) for k, v in st.per_request.items()}
            self.send_json(200, out)
        elif self.path.startswith("/v1/models"):
            self.send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": "no route " + self.path}})

    def do_POST(self):
        st = self.server.state
        if self.path.startswith("/config"):
            cfg = json.loads(self.read_body() or b"{}")
            with st.lock:
                if "rules" in cfg:
                    st.rules = cfg["rules"]
                    st.rule_hits = [0] * len(st.rules)
                if "latency_ms" in cfg:
                    st.latency_ms = float(cfg["latency_ms"])
            self.send_json(200, {"ok": True})
            return
        if self.path.startswith("/reset"):
            self.read_body()
            with st.lock:
                st.reset()
            self.send_json(200, {"ok": True})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.read_body()
            self.send_json(404, {"error": {"message": "no route " + self.path, "type": "invalid_request_error"}})
            return
        raw = self.read_body()
        try:
            req = json.loads(raw)
            messages = req["messages"]
            prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
            model = req.get("model", "")
        except Exception as e:  # a client bug: tell it clearly
            self.send_json(400, {"error": {"message": "bad request body: %s" % e, "type": "invalid_request_error"}})
            return
        h = prompt_hash(prompt)
        rid = self.headers.get("X-Client-Request-Id") or ""
        with st.lock:
            st.total += 1
            if rid:
                st.per_request.setdefault(rid, {"count": 0, "ok": 0})["count"] += 1
            rec = st.per_prompt.setdefault(h, {"count": 0, "ok": 0, "prompt": prompt})
            rec["count"] += 1
            attempt = rec["count"]
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
        try:
            self.answer(st, req, prompt, h, model, attempt)
        finally:
            with st.lock:
                st.in_flight -= 1

    def answer(self, st, req, prompt, h, model, attempt):
        rid = self.headers.get("X-Client-Request-Id") or ""
        rule = st.choose(prompt, attempt)
        mode = rule.get("mode", "valid")
        latency = float(rule.get("latency_ms", st.latency_ms))
        with st.lock:
            st.by_mode[mode] = st.by_mode.get(mode, 0) + 1
        if mode == "hang":
            time.sleep(600)
            return
        if latency > 0:
            time.sleep(latency / 1000.0)

        def count_status(code):
            with st.lock:
                st.by_status[str(code)] = st.by_status.get(str(code), 0) + 1

        if mode.startswith("status_"):
            code = int(mode.split("_")[1])
            headers = {}
            if code == 429:
                headers["Retry-After"] = str(rule.get("retry_after", 1))
            msg = {401: "Incorrect API key provided", 403: "forbidden", 404: "model not found",
                   400: "bad request", 429: "Rate limit reached", 500: "internal error",
                   503: "overloaded"}.get(code, "error")
            count_status(code)
            self.send_json(code, {"error": {"message": msg, "type": "test", "code": code}}, headers)
            return
        if mode == "drop":
            count_status(0)
            self.close_connection = True
            return
        if mode == "invalid_sample":
            content = json.dumps({"unexpected_key": "x " + h[:8]})
        elif mode == "not_json":
            content = "Sure! Here is some prose about %s without any JSON." % h[:8]
        else:
            content = valid_content(prompt, attempt)
        usage = {"prompt_tokens": len(prompt.split()) + 7, "completion_tokens": len(content.split()) + 1}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        body = {"id": "chatcmpl-" + h[:16], "object": "chat.completion", "created": int(time.time()),
                "model": model or "fake-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": usage}
        data = json.dumps(body).encode("utf-8")
        if mode == "malformed":
            count_status(200)
            self.send_raw(200, data[: len(data) // 2] + b"<<not json")
            return
        if mode == "truncated":
            count_status(200)
            self.send_raw(200, data[: len(data) // 2], content_length=len(data))
            self.close_connection = True
            return
        with st.lock:
            st.prompt_tokens += usage["prompt_tokens"]
            st.completion_tokens += usage["completion_tokens"]
            st.per_prompt[h]["ok"] += 1
            if rid:
                st.per_request[rid]["ok"] += 1
        count_status(200)
        self.send_raw(200, data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--rules", default="[]", help="JSON list of rules")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port-file", default="")
    args = ap.parse_args()
    # 64 handler threads wake from their latency sleep at once; with the default 5 ms GIL switch
    # interval each waits its turn for milliseconds, which would show up as client "overhead".
    sys.setswitchinterval(0.0002)
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = State(json.loads(args.rules), args.seed, args.latency_ms)
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
