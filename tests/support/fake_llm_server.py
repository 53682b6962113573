#!/usr/bin/env python3
"""A real OpenAI-compatible HTTP/1.1 server on loopback, written for synthembed's tests and benchmark.

It runs on asyncio (one thread, keep-alive connections, latency as timers), so 64 concurrent slow
requests cost the server almost nothing and the benchmark measures the client, not the server.

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
   "limit": N (optional: at most N requests in all), "retry_after": seconds, "latency_ms": ms,
   "by_prompt": true (optional: the ratio picks a fixed share of prompts by their hash, so a prompt
   sent again gets the same treatment), "kind": "brainstorm" or "generate" (optional: only prompts
   that ask for a task list, or only the others)}
MODE is one of: valid, invalid_sample (content misses a key), not_json (content is prose),
  status_NNN (any status: 400, 401, 403, 404, 413, 422, 429, 500, 503 ...),
  malformed (the HTTP body is not JSON), truncated (the body is cut short of Content-Length),
  hang (never answers within 10 minutes), drop (closes the connection without answering),
  same_tasks (every answer is the same list of 20 tasks: a temperature-0 brainstorm),
  content_filter (200 with finish_reason "content_filter" and no content),
  endless (200 headers, then a body that never ends, without Content-Length),
  gzip_bomb (a ~100 KB gzip body, Content-Encoding: gzip, that inflates to 100 MB).

Run:  fake_llm_server.py [--port 0] [--latency-ms 0] [--rules JSON] [--seed 1] [--port-file F]
It prints "PORT <n>" on stdout once it listens.
"""

import argparse
import asyncio
import gzip
import hashlib
import json
import os
import random
import sys
import threading
import time

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


def asks_for_list(prompt):
    named = [k for k in SAMPLE_KEYS if ('"%s"' % k) in prompt]
    lower = prompt.lower()
    return "brainstorm" in lower or (not named and "list" in lower)


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
        self.last_auth = {}

    def choose(self, prompt, attempt):
        with self.lock:
            for i, r in enumerate(self.rules):
                if "match" in r and r["match"] not in prompt:
                    continue
                if "kind" in r and (r["kind"] == "brainstorm") != asks_for_list(prompt):
                    continue
                if "attempts" in r and attempt > int(r["attempts"]):
                    continue
                if "limit" in r and self.rule_hits[i] >= int(r["limit"]):
                    continue
                if r.get("by_prompt"):
                    if int(prompt_hash(prompt)[:8], 16) / float(1 << 32) >= float(r.get("ratio", 1.0)):
                        continue
                elif self.rng.random() >= float(r.get("ratio", 1.0)):
                    continue
                self.rule_hits[i] += 1
                return r
        return {"mode": "valid"}


class Reply:
    """What to send back: status, headers, body and how (mode) after how long (latency)."""

    def __init__(self, status, obj=None, body=None, headers=None, mode="valid", latency_ms=0.0,
                 content_length=None):
        self.status = status
        self.body = body if body is not None else json.dumps(obj).encode("utf-8")
        self.headers = headers or {}
        self.mode = mode
        self.latency_ms = latency_ms
        self.content_length = content_length


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}

_BOMB = []


def gzip_bomb():
    if not _BOMB:
        _BOMB.append(gzip.compress(b'{"choices": [{"message": {"content": "' + b"x" * (100 << 20), 1))
    return _BOMB[0]


SAME_TASKS = json.dumps(["Task fixed-%02d: retrieve documents about %s." % (i, words_for("fixed" + str(i), 4))
                         for i in range(20)])


def handle_get(st, path):
    if path.startswith("/stats"):
        with st.lock:
            per = {h: dict(v) for h, v in st.per_prompt.items()}
            out = {"total": st.total, "by_status": st.by_status, "by_mode": st.by_mode,
                   "prompt_tokens": st.prompt_tokens, "completion_tokens": st.completion_tokens,
                   "max_in_flight": st.max_in_flight, "unique_prompts": len(per),
                   "duplicates": sum(1 for v in per.values() if v["count"] > 1),
                   "ok_duplicates": sum(1 for v in per.values() if v["ok"] > 1),
                   "request_ids": len(st.per_request),
                   "request_id_duplicates": sum(1 for v in st.per_request.values() if v["count"] > 1),
                   "request_id_ok_duplicates": sum(1 for v in st.per_request.values() if v["ok"] > 1),
                   "last_auth": st.last_auth}
            if "prompts=1" in path:
                out["per_prompt"] = per
                out["per_request"] = {k: dict(v) for k, v in st.per_request.items()}
        return Reply(200, out)
    if path.startswith("/v1/models"):
        return Reply(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
    return Reply(404, {"error": {"message": "no route " + path}})


def handle_post(st, path, headers, raw):
    """Decides the answer and does the bookkeeping; the transport only sends it."""
    if path.startswith("/config"):
        cfg = json.loads(raw or b"{}")
        with st.lock:
            if "rules" in cfg:
                st.rules = cfg["rules"]
                st.rule_hits = [0] * len(st.rules)
            if "latency_ms" in cfg:
                st.latency_ms = float(cfg["latency_ms"])
        return Reply(200, {"ok": True})
    if path.startswith("/reset"):
        with st.lock:
            st.reset()
        return Reply(200, {"ok": True})
    if not path.split("?")[0].rstrip("/").endswith("/chat/completions"):
        return Reply(404, {"error": {"message": "no route " + path, "type": "invalid_request_error"}})
    try:
        req = json.loads(raw)
        messages = req["messages"]
        prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
        model = req.get("model", "")
    except Exception as e:  # a client bug: tell it clearly
        return Reply(400, {"error": {"message": "bad request body: %s" % e, "type": "invalid_request_error"}})
    h = prompt_hash(prompt)
    rid = headers.get("x-client-request-id", "")
    with st.lock:
        st.last_auth = {"authorization": headers.get("authorization", ""), "api-key": headers.get("api-key", ""),
                        "path": path}
        st.total += 1
        if rid:
            st.per_request.setdefault(rid, {"count": 0, "ok": 0})["count"] += 1
        rec = st.per_prompt.setdefault(h, {"count": 0, "ok": 0, "prompt": prompt})
        rec["count"] += 1
        attempt = rec["count"]
    rule = st.choose(prompt, attempt)
    mode = rule.get("mode", "valid")
    latency = float(rule.get("latency_ms", st.latency_ms))
    with st.lock:
        st.by_mode[mode] = st.by_mode.get(mode, 0) + 1

    def count_status(code):
        with st.lock:
            st.by_status[str(code)] = st.by_status.get(str(code), 0) + 1

    if mode == "hang":
        return Reply(0, body=b"", mode="hang")
    if mode == "endless":
        count_status(200)
        return Reply(200, body=b"", mode="endless", latency_ms=latency)
    if mode == "gzip_bomb":
        count_status(200)
        return Reply(200, body=gzip_bomb(), headers={"Content-Encoding": "gzip"}, latency_ms=latency)
    if mode.startswith("status_"):
        code = int(mode.split("_")[1])
        extra = {}
        if code == 429:
            extra["Retry-After"] = str(rule.get("retry_after", 1))
        msg = {401: "Incorrect API key provided", 403: "forbidden", 404: "model not found",
               400: "bad request", 429: "Rate limit reached", 500: "internal error",
               503: "overloaded"}.get(code, "error")
        count_status(code)
        return Reply(code, {"error": {"message": msg, "type": "test", "code": code}}, headers=extra,
                     latency_ms=latency)
    if mode == "drop":
        count_status(0)
        return Reply(0, body=b"", mode="drop", latency_ms=latency)
    if mode == "invalid_sample":
        content = json.dumps({"unexpected_key": "x " + h[:8]})
    elif mode == "not_json":
        content = "Sure! Here is some prose about %s without any JSON." % h[:8]
    elif mode == "same_tasks":
        content = SAME_TASKS
    elif mode == "content_filter":
        content = None
    else:
        content = valid_content(prompt, attempt)
    usage = {"prompt_tokens": len(prompt.split()) + 7, "completion_tokens": len((content or "").split()) + 1}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    body = {"id": "chatcmpl-" + h[:16], "object": "chat.completion", "created": int(time.time()),
            "model": model or "fake-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "content_filter" if mode == "content_filter" else "stop"}],
            "usage": usage}
    data = json.dumps(body).encode("utf-8")
    count_status(200)
    if mode == "malformed":
        return Reply(200, body=data[: len(data) // 2] + b"<<not json", latency_ms=latency)
    if mode == "truncated":
        return Reply(200, body=data[: len(data) // 2], mode="truncated", latency_ms=latency,
                     content_length=len(data))
    # Usage is counted as delivered: a client that dies before reading it still cost tokens.
    with st.lock:
        st.prompt_tokens += usage["prompt_tokens"]
        st.completion_tokens += usage["completion_tokens"]
        st.per_prompt[h]["ok"] += 1
        if rid:
            st.per_request[rid]["ok"] += 1
    return Reply(200, body=data, latency_ms=latency)


async def serve_connection(st, reader, writer):
    """HTTP/1.1 with keep-alive: one coroutine per connection, no thread per request."""
    try:
        while True:
            line = await reader.readline()
            if not line or not line.strip():
                break
            parts = line.decode("latin-1").split()
            if len(parts) < 2:
                break
            method, path = parts[0], parts[1]
            headers = {}
            while True:
                hl = await reader.readline()
                if hl in (b"\r\n", b"\n", b""):
                    break
                k, _, v = hl.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers.get("content-length") or 0)
            raw = await reader.readexactly(n) if n else b""
            if method == "GET":
                reply = handle_get(st, path)
            elif method == "POST":
                with st.lock:
                    st.in_flight += 1
                    st.max_in_flight = max(st.max_in_flight, st.in_flight)
                try:
                    reply = handle_post(st, path, headers, raw)
                    if reply.mode == "hang":
                        await asyncio.sleep(600)
                        break
                    if reply.latency_ms > 0:
                        await asyncio.sleep(reply.latency_ms / 1000.0)
                finally:
                    with st.lock:
                        st.in_flight -= 1
            else:
                reply = Reply(405, {"error": {"message": "method not allowed"}})
            if reply.mode == "drop":
                break
            if reply.mode == "endless":
                writer.write(b"HTTP/1.1 200 OK\r\nServer: FakeLLM/2.0\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\n\r\n")
                chunk = b'{"choices": [{"message": {"content": "' + b"x" * 65536
                while True:  # until the client hangs up
                    writer.write(chunk)
                    await writer.drain()
                    await asyncio.sleep(0.001)
            head = ["HTTP/1.1 %d %s" % (reply.status, REASONS.get(reply.status, "Status")),
                    "Server: FakeLLM/2.0", "Content-Type: application/json",
                    "Content-Length: %d" % (len(reply.body) if reply.content_length is None else reply.content_length)]
            head += ["%s: %s" % kv for kv in reply.headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
            await writer.drain()
            if reply.mode == "truncated" or headers.get("connection", "").lower() == "close":
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--rules", default="[]", help="JSON list of rules")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port-file", default="")
    args = ap.parse_args()
    st = State(json.loads(args.rules), args.seed, args.latency_ms)

    async def run():
        server = await asyncio.start_server(lambda r, w: serve_connection(st, r, w), "127.0.0.1", args.port,
                                            backlog=1024, reuse_address=True)
        port = server.sockets[0].getsockname()[1]
        if args.port_file:
            with open(args.port_file + ".tmp", "w") as f:
                f.write(str(port))
            os.replace(args.port_file + ".tmp", args.port_file)
        sys.stdout.write("PORT %d\n" % port)
        sys.stdout.flush()
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
