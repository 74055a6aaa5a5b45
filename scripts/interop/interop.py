#!/usr/bin/env python3
"""Interoperability matrix: generic OpenAPI client generators against our documents.

For each generated/openapi/<service>.json and each tool (openapi-python-client; openapi-typescript
+ openapi-fetch, the typed call checked by `tsc --strict`) a client is generated from the document and calls the service's seed endpoint
against a loopback server. The server checks the request is exactly the documented sample
(method, real path, query, JSON body; auth is supplied by hand, so auth query parameters and
headers named by the document's security schemes are ignored) and answers the documented sample
response; the client must decode it (the decoded value must equal the sample body).

Everything the test expects comes from the document itself (parameter, body and response
`examples` of the sample, dispatch values in `x-switchboard-dispatch`). Exit 0 when every cell is
green or red only for a documented limitation of the tool (EXPLAIN); the matrix is printed
either way. Run through `bash scripts/interop/run`; `--tools progenitor` is progenitor's cell,
run through `bash scripts/interop/progenitor` (progenitor_call.py).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import subprocess
import sys
import threading
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import progenitor_call
from progenitor_call import progenitor_client

ROOT = Path(__file__).resolve().parents[2]
# The seed endpoint of each service (shared/DESIGN.md's four seed pages).
SEEDS = {
    "huawei_agentgateway": "leave_agent_conference",
    "genesys_gws": "remove_participant_from_conference",
    "tencent_im_desk": "end_session",
    "alibaba_ccc": "unmute_call",
}
METHODS = ("get", "put", "post", "delete", "patch")


class Call:
    """The documented exchange of one endpoint, read from the document."""

    def __init__(self, doc: dict, endpoint: str):
        self.doc = doc
        for path, item in doc["paths"].items():
            for method in METHODS:
                op = item.get(method)
                if not op:
                    continue
                entries = op.get("x-switchboard-dispatch", {}).get("operations")
                if op["operationId"] == endpoint:
                    entry, prefix = op, ""
                    values = op.get("x-switchboard-dispatch", {}).get("values", [])
                elif entries and any(e["operationId"] == endpoint for e in entries):
                    entry = next(e for e in entries if e["operationId"] == endpoint)
                    values, prefix = entry["values"], f"{endpoint}/"
                else:
                    continue
                self.template, self.method, self.op = path, method, op
                # What the server expects is the wire path, never the path key (in the
                # per-endpoint form a dispatched key is `<path>;name=value`).
                self.wire_template = op.get("x-switchboard-dispatch", {}).get("path", path)
                self.values = values
                # The first documented success sample.
                sample = next(s for s in entry["x-samples"] if 200 <= s["status"] < 300)
                self.key = prefix + sample["name"]
                return
        raise SystemExit(f"no operation for {endpoint}")

    def params(self, where: str) -> dict[str, str]:
        return {name: str(value) for name, value in self.raw_params(where).items()}

    def raw_params(self, where: str) -> dict:
        """The sample's parameter values in `where` as the document types them."""
        out = {}
        for p in self.op.get("parameters", []):
            if p["in"] != where:
                continue
            example = p.get("examples", {}).get(self.key)
            if example is not None:
                out[p["name"]] = example["value"]
        for v in self.values:
            if v["in"] == where:
                out[v["name"]] = v["value"]
        return out

    def body(self):
        media = self.op.get("requestBody", {}).get("content", {}).get("application/json", {})
        example = media.get("examples", {}).get(self.key)
        return None if example is None else example["value"]

    def response(self):
        for status, response in self.op["responses"].items():
            media = response.get("content", {}).get("application/json", {})
            if status.startswith("2") and self.key in media.get("examples", {}):
                return int(status), media["examples"][self.key]["value"]
        raise SystemExit(f"{self.key}: no documented 2xx response")

    def real_path(self) -> str:
        path = self.wire_template
        for name, value in self.params("path").items():
            path = path.replace("{" + name + "}", quote(value, safe=""))
        return path

    def auth_names(self) -> set[str]:
        schemes = self.doc.get("components", {}).get("securitySchemes", {}).values()
        return {s["name"].lower() for s in schemes if s.get("type") == "apiKey"}


def server_prefix(doc: dict) -> str:
    """The path part of the document's first server URL (`/agentgateway`, `/api/v2`)."""
    url = doc["servers"][0]["url"]
    for name, var in doc["servers"][0].get("variables", {}).items():
        url = url.replace("{" + name + "}", "x" if name != "port" else "1")
    return urlsplit(url).path.rstrip("/")


NO_BODY = object()


def shown(body) -> str:
    return "(none)" if body is NO_BODY else json.dumps(body, ensure_ascii=False)[:300]


def serve(call: Call, prefix: str, seen: list[str]):
    """A loopback server answering the sample to the exact documented request only."""
    status, answer = call.response()
    want_path = prefix + call.real_path()
    want_query = sorted(call.params("query").items())
    want_body = NO_BODY if call.body() is None else call.body()
    auth = call.auth_names()

    class Handler(BaseHTTPRequestHandler):
        def handle_one(self):
            parts = urlsplit(self.path)
            query = sorted(
                (n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True)
                if n.lower() not in auth
            )
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            # No body and a JSON `null` body are different requests: a documented request
            # without a body is only matched by one without a body.
            try:
                body = json.loads(raw) if raw else NO_BODY
            except ValueError:
                body = raw.decode("utf-8", "replace")
            problems = []
            if self.command.lower() != call.method:
                problems.append(f"method {self.command}, want {call.method.upper()}")
            if parts.path != want_path:
                problems.append(f"path {parts.path}, want {want_path}")
            if query != want_query:
                problems.append(f"query {query}, want {want_query}")
            if body != want_body:
                problems.append(f"body {shown(body)}, want {shown(want_body)}")
            seen.extend(problems or ["ok"])
            code, payload = (status, answer) if not problems else (418, {"problems": problems})
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------------------------------------
# The tools.


def python_client(doc_path: Path, work: Path, call: Call, base: str):
    """openapi-python-client: generate, import, call `<operation>.sync_detailed`."""
    out = work / f"{work.name}_py"
    tool = ROOT / ".venv/interop/bin/openapi-python-client"
    done = subprocess.run(
        [str(tool), "generate", "--path", str(doc_path), "--output-path", str(out),
         "--overwrite", "--meta", "none"],
        check=True, capture_output=True, text=True,
    )
    # The tool skips an operation it cannot read with a warning and still exits 0.
    for line in (done.stdout + done.stderr).splitlines():
        if "will not be generated" in line:
            raise RuntimeError(f"openapi-python-client skipped an operation: {line.strip()}")
    sys.path.insert(0, str(out.parent))
    package = out.name
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    importlib.invalidate_caches()
    op_id = call.op["operationId"]
    # Operations without tags land in `api/default/`.
    module = importlib.import_module(f"{package}.api.default.{op_id}")
    sig = inspect.signature(module.sync_detailed)
    hints = typing.get_type_hints(module.sync_detailed)
    root = importlib.import_module(package)
    # An operation with security wants an AuthenticatedClient; its bearer token is the
    # hand-supplied auth (the server ignores headers).
    if hints["client"] is root.AuthenticatedClient:
        client = root.AuthenticatedClient(base_url=base, token="interop")
    else:
        client = root.Client(base_url=base)
    wire = {**call.params("path"), **call.params("query")}
    snake = {snake_case(k): v for k, v in wire.items()}
    kwargs = {}
    for name in sig.parameters:
        if name == "client":
            kwargs[name] = client
        elif name == "body":
            kwargs[name] = build_value(hints[name], call.body())
        elif name in snake:
            kwargs[name] = build_value(hints[name], snake[name])
    response = module.sync_detailed(**kwargs)
    parsed = response.parsed
    decoded = parsed.to_dict() if hasattr(parsed, "to_dict") else parsed
    return response.status_code, decoded


def snake_case(name: str) -> str:
    out = ""
    for i, c in enumerate(name):
        if c.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out += "_"
        out += c.lower() if c.isalnum() else "_"
    return out


def build_value(hint, value):
    """`value` as the generated annotation wants it (enum, model, union of models)."""
    options = typing.get_args(hint) or (hint,)
    for option in options:
        if option is type(None) or getattr(option, "__name__", "") == "Unset":
            continue
        try:
            if hasattr(option, "from_dict"):
                model = option.from_dict(value)
                if model.to_dict() == value:
                    return model
            elif isinstance(option, type) and issubclass(option, str) and option is not str:
                return option(value)
            elif option in (str, int, float, bool):
                return option(value)
        except (TypeError, ValueError, KeyError):
            continue
    return value


def typescript_client(doc_path: Path, work: Path, call: Call, base: str):
    """openapi-typescript generates the types (it must read the document); openapi-fetch calls."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(ROOT / "node_modules/.bin/openapi-typescript"), str(doc_path), "-o",
         str(work / "schema.ts")],
        check=True, capture_output=True, text=True,
    )
    params = {k: v for k, v in (("path", call.params("path")), ("query", call.params("query"))) if v}
    request = {
        "base": base,
        "method": call.method,
        "path": call.template,
        "params": params,
        "body": call.body(),
    }
    # The same call, typed by the generated `paths`, must pass `tsc --strict`: the document's
    # types accept the documented request (and the generated file itself compiles).
    options = {"params": params} if params else {}
    if request["body"] is not None:
        options["body"] = request["body"]
    (work / "call.ts").write_text(
        'import createClient from "openapi-fetch";\n'
        'import type { paths } from "./schema";\n'
        'const client = createClient<paths>({ baseUrl: "http://127.0.0.1" });\n'
        f"export const call = () => client.{call.method.upper()}("
        f"{json.dumps(call.template)}, {json.dumps(options, ensure_ascii=False)});\n",
        encoding="utf-8",
    )
    subprocess.run(
        [str(ROOT / "node_modules/.bin/tsc"), "--strict", "--noEmit", "--skipLibCheck",
         "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
         str(work / "call.ts")],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    done = subprocess.run(
        ["node", str(ROOT / "scripts/interop/call_fetch.mjs"), json.dumps(request)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    result = json.loads(done.stdout)
    return result["status"], result["data"]


TOOLS = {
    "openapi-python-client": python_client,
    "openapi-typescript+openapi-fetch": typescript_client,
    # Not a default: its crates come from scripts/interop/progenitor (slow install).
    "progenitor": progenitor_client,
}
DEFAULT_TOOLS = ["openapi-python-client", "openapi-typescript+openapi-fetch"]
# Per tool: given the call and the server's problems, the documented limitation of the tool
# (with its upstream reference) that makes the cell red, or None. An explained cell does not
# fail the run; a cell red for any other reason does.
EXPLAIN = {"progenitor": progenitor_call.explain}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "target/interop")
    parser.add_argument("--documents", type=Path, default=ROOT / "generated/openapi")
    parser.add_argument("--services", nargs="+", choices=list(SEEDS), default=list(SEEDS))
    parser.add_argument("--tools", nargs="+", choices=list(TOOLS), default=DEFAULT_TOOLS)
    args = parser.parse_args()
    work_root = args.work
    rows = []
    for service in args.services:
        endpoint = SEEDS[service]
        doc_path = args.documents / f"{service}.json"
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
        call = Call(doc, endpoint)
        status, answer = call.response()
        for tool in args.tools:
            run = TOOLS[tool]
            seen: list[str] = []
            server = serve(call, server_prefix(doc), seen)
            base = f"http://127.0.0.1:{server.server_port}{server_prefix(doc)}"
            work = work_root / service / tool.replace("+", "_")
            work.mkdir(parents=True, exist_ok=True)
            try:
                got_status, decoded = run(doc_path, work / f"{service}_client", call, base)
                problems = [s for s in seen if s != "ok"]
                if seen != ["ok"]:
                    problems.append(f"the server saw {len(seen)} request(s)")
                if got_status != status:
                    problems.append(f"status {got_status}")
                if decoded != answer:
                    problems.append(f"decoded {json.dumps(decoded)[:300]}")
            except subprocess.CalledProcessError as e:
                problems = [f"{' '.join(e.cmd[:2])} failed: {(e.stderr or e.stdout)[-800:]}"]
            except Exception as e:  # a generated client that cannot be imported or called
                problems = [f"{type(e).__name__}: {e}"]
            finally:
                server.shutdown()
            explained = None
            if problems and tool in EXPLAIN:
                explained = EXPLAIN[tool](call, [s for s in seen if s != "ok"])
            rows.append((service, endpoint, tool, problems, explained))
    print(f"{'service':22} {'seed endpoint':36} {'tool':34} result")
    for service, endpoint, tool, problems, explained in rows:
        result = "green" if not problems else "RED (tool limitation)" if explained else "RED"
        print(f"{service:22} {endpoint:36} {tool:34} {result}")
        if explained:
            print(f"    why: {explained}")
        for p in problems:
            print(f"    {p}")
    green = sum(1 for row in rows if not row[3])
    unexplained = sum(1 for row in rows if row[3] and not row[4])
    print(f"interop: {green} of {len(rows)} cells green, {len(rows) - green - unexplained} red "
          f"for a documented tool limitation, {unexplained} red unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
