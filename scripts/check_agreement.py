#!/usr/bin/env python3
"""Checks recorded exchanges (request the generated client sends + documented response) against
the OpenAPI documents with openapi-core, a validator independent of switchboard.

Run through `bash scripts/check-agreement` (which installs the pinned openapi-core); the
exchanges come from `cargo test -p switchboard-tests --test agreement`.

Input: one or more JSON files

    {"service": "...", "document": "<path of generated/openapi/<service>.json>",
     "exchanges": [{"name": "...", "operation_id": "...",
                    "request": {"method", "url", "headers": [[name, value]], "body": text|null}
                               | null,
                    "response": {"status", "headers": [[name, value]], "body": text|null}
                                | null}]}

For each exchange:

1. Matching. The request is matched back to an operation with the rule of specs/README.md
   ("RPC dispatch in OpenAPI"): the URL is split into a server of the document (its variables
   matched by their enum or as any text without `/`) and a path. An operation that merges
   several endpoints (the default form: `x-switchboard-dispatch.operations`) stands for each of
   them, at its own method and path key, with that entry's `values`. The candidates are the
   operations whose `x-switchboard-dispatch` has the request's method and a path template that
   matches the path (an operation without the extension matches on its plain key); the match
   is the one candidate whose every dispatch value equals the request's query parameter, header
   or top-level JSON body field of that name. No match, several matches or a match other than
   the exchange's `operation_id` is a failure. When several operations match the path, a
   concrete path wins over a templated one (OpenAPI's own rule); nothing else breaks a tie.

2. Request validation. openapi-core finds an operation by its path key and cannot match
   `/;Action=UnmuteCall;Version=2020-07-01` to a request for `/`, and an OpenAPI document
   holds one operation per method and path. So every operation gets a derived single-operation
   document: a copy of the whole document (servers, security, components) whose `paths` holds
   only that operation, under its real path (`x-switchboard-dispatch.path`, method
   `x-switchboard-dispatch.method`). The request is validated (V31RequestValidator:
   parameters, body, security) against the matched operation's document (the expected one
   when nothing matched, so the report still shows what is wrong), and must also be rejected
   by the document of every other candidate sharing its method and path: otherwise the
   document could not tell those operations apart.

3. Response validation. The documented response is validated (V31ResponseValidator) against
   the expected operation's document: its status code's response, else `default`. A response
   without a Content-Type header is taken as `application/json` (every sample body is JSON and
   the clients decode JSON). A sample without a request is located by its `operation_id` alone,
   with a placeholder request (the operation's own path) used only to find the operation.

The derived documents are not spec-validated again (scripts/validate-openapi validates the
originals with two validators). The path keys of dispatched operations are checked to be the
real path followed by the `;name=value` suffixes in `x-switchboard-dispatch` order.

Output: one line per failure and a summary on stdout; `--report FILE` also writes them as JSON.
Exit status 0 when every exchange agrees, 1 on any failure, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from openapi_core import Config, OpenAPI, V31RequestValidator, V31ResponseValidator
from openapi_core.testing import MockRequest, MockResponse

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Operation:
    operation_id: str
    key: str  # path key in the document
    key_method: str
    real_method: str
    real_path: str
    values: list[dict[str, str]]
    item: dict[str, Any]  # the path item holding it
    op: dict[str, Any]
    path_re: re.Pattern[str] = field(init=False)
    placeholders: int = field(init=False)

    def __post_init__(self) -> None:
        self.path_re = template_regex(self.real_path)
        self.placeholders = self.real_path.count("{")


@dataclass
class Failure:
    file: str
    exchange: str
    part: str  # match | request | response | document
    operation: str | None
    errors: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "exchange": self.exchange,
            "part": self.part,
            "operation": self.operation,
            "errors": self.errors,
        }


def template_regex(template: str) -> re.Pattern[str]:
    """A path template (`/me/calls/{id}`) as a regex over concrete (percent-encoded) paths."""
    out, rest = "", template
    while "{" in rest:
        before, _, after = rest.partition("{")
        _, _, rest = after.partition("}")
        out += re.escape(before) + "[^/]+"
    return re.compile(out + re.escape(rest))


def unreserved(text: str) -> str:
    return quote(text, safe="-_.~")


class Document:
    """One OpenAPI document, its operations and their single-operation documents."""

    def __init__(self, path: Path):
        self.path = path
        self.doc = json.loads(path.read_text(encoding="utf-8"))
        if not str(self.doc.get("openapi", "")).startswith("3.1"):
            raise ValueError(f"{path}: not an OpenAPI 3.1 document")
        self.operations: list[Operation] = []
        self.problems: list[str] = []
        for key, item in self.doc.get("paths", {}).items():
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                dispatch = op.get("x-switchboard-dispatch")
                if dispatch and "operations" in dispatch:
                    # Merged form: one operation at the real path for several endpoints.
                    if key != dispatch["path"] or str(dispatch["method"]).lower() != method:
                        self.problems.append(
                            f"{op.get('operationId')}: path key {method.upper()} {key} is not "
                            f"the real {dispatch['method']} {dispatch['path']}"
                        )
                    for entry in dispatch["operations"]:
                        self.operations.append(
                            Operation(
                                entry["operationId"], key, method, method, key,
                                list(entry.get("values", [])), item, op,
                            )
                        )
                    continue
                if dispatch:
                    real_method = str(dispatch["method"]).lower()
                    real_path = dispatch["path"]
                    values = list(dispatch.get("values", []))
                    want = real_path + "".join(
                        f";{unreserved(v['name'])}={unreserved(v['value'])}" for v in values
                    )
                    # Per-endpoint form keys by `;name=value` suffixes; the merged form keeps
                    # a lone dispatched endpoint at its real path.
                    if key not in (want, real_path) or real_method != method:
                        self.problems.append(
                            f"{op.get('operationId')}: path key {method.upper()} {key} does not "
                            f"agree with x-switchboard-dispatch ({real_method.upper()} {want})"
                        )
                else:
                    real_method, real_path, values = method, key, []
                self.operations.append(
                    Operation(
                        op["operationId"], key, method, real_method, real_path, values, item, op
                    )
                )
        self.by_id = {o.operation_id: o for o in self.operations}
        self._apps: dict[str, OpenAPI] = {}

    def app(self, operation: Operation) -> OpenAPI:
        """openapi-core over the single-operation document of `operation`."""
        # Endpoints merged into one operation share its document.
        cache_key = f"{operation.key_method} {operation.key}"
        app = self._apps.get(cache_key)
        if app is None:
            derived = {k: v for k, v in self.doc.items() if k not in ("paths", "webhooks")}
            item = {k: v for k, v in operation.item.items() if k not in METHODS}
            item[operation.real_method] = operation.op
            derived["paths"] = {operation.real_path: item}
            app = OpenAPI.from_dict(
                copy.deepcopy(derived),
                config=Config(
                    spec_validator_cls=None,
                    request_validator_cls=V31RequestValidator,
                    response_validator_cls=V31ResponseValidator,
                ),
            )
            self._apps[cache_key] = app
        return app

    def servers(self, operation: Operation | None = None) -> list[dict[str, Any]]:
        for holder in (operation.op if operation else None, operation.item if operation else None):
            if holder and holder.get("servers"):
                return holder["servers"]
        return self.doc.get("servers") or [{"url": "/"}]

    def split_url(self, url: str) -> str | None:
        """The path of `url` under one of the document's servers, or None."""
        parts = urlsplit(url)
        full = f"{parts.scheme}://{parts.netloc}{parts.path}"
        best: str | None = None
        for server in self.servers():
            pattern = server_regex(server)
            m = pattern.match(full)
            if not m:
                continue
            rest = full[m.end():] or "/"
            if rest.startswith("/") and (best is None or len(rest) < len(best)):
                best = rest
        return best


def server_regex(server: dict[str, Any]) -> re.Pattern[str]:
    url = server["url"].rstrip("/")
    variables = server.get("variables", {})
    out, rest = "", url
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        enum = variables.get(name, {}).get("enum")
        alt = "|".join(re.escape(v) for v in enum) if enum else "[^/?#]*"
        out += re.escape(before) + f"(?:{alt})"
    return re.compile(out + re.escape(rest))


def header_values(headers: list[list[str]], name: str) -> list[str]:
    return [v for n, v in headers if n.lower() == name.lower()]


def json_body(request: dict[str, Any]) -> Any:
    try:
        return json.loads(request["body"]) if request.get("body") else None
    except ValueError:
        return None


def carries(request: dict[str, Any], value: dict[str, Any]) -> bool:
    """Whether the request carries one dispatch value (README: query, header or body field),
    at its own place or at one of its `alternatives` (a signing scheme moving it to a header)."""
    places = [value] + [dict(alt, value=value["value"]) for alt in value.get("alternatives", [])]
    return any(carries_at(request, place) for place in places)


def carries_at(request: dict[str, Any], value: dict[str, str]) -> bool:
    where, name, want = value["in"], value["name"], value["value"]
    if where == "query":
        query = parse_qsl(urlsplit(request["url"]).query, keep_blank_values=True)
        return want in [v for n, v in query if n == name]
    if where == "header":
        return want in header_values(request["headers"], name)
    if where == "body":
        body = json_body(request)
        return isinstance(body, dict) and body.get(name) == want
    return False


def candidates(doc: Document, request: dict[str, Any]) -> list[Operation]:
    path = doc.split_url(request["url"])
    if path is None:
        return []
    method = request["method"].lower()
    return [o for o in doc.operations if o.real_method == method and o.path_re.fullmatch(path)]


def match(doc: Document, request: dict[str, Any]) -> tuple[list[Operation], list[Operation]]:
    """(candidates by method and path, operations whose dispatch values all match)."""
    found = candidates(doc, request)
    matched = [o for o in found if all(carries(request, v) for v in o.values)]
    if matched:
        fewest = min(o.placeholders for o in matched)
        matched = [o for o in matched if o.placeholders == fewest]
    return found, matched


def mock_request(request: dict[str, Any]) -> MockRequest:
    parts = urlsplit(request["url"])
    headers = [(n, v) for n, v in request["headers"]]
    cookies: list[tuple[str, str]] = []
    for raw in header_values(request["headers"], "cookie"):
        for pair in raw.split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep:
                cookies.append((name, value))
    content_type = next(iter(header_values(request["headers"], "content-type")), "")
    body = request.get("body")
    return MockRequest(
        f"{parts.scheme}://{parts.netloc}",
        request["method"],
        parts.path or "/",
        args=parse_qsl(parts.query, keep_blank_values=True),  # type: ignore[arg-type]
        headers=headers,  # type: ignore[arg-type]
        cookies=cookies,  # type: ignore[arg-type]
        data=body.encode("utf-8") if body is not None else None,
        content_type=content_type,
    )


def placeholder_request(doc: Document, operation: Operation) -> MockRequest:
    """A request that only locates `operation` (for a sample that documents no request)."""
    server = doc.servers(operation)[0]
    url = server["url"].rstrip("/")
    for name, var in server.get("variables", {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    parts = urlsplit(url)
    path = re.sub(r"\{[^}]*\}", "placeholder", operation.real_path)
    return MockRequest(f"{parts.scheme}://{parts.netloc}", operation.real_method, parts.path + path)


def describe(error: BaseException) -> str:
    """An error as one line: its kind and, for schema errors, each failing JSON path."""
    schema_errors = getattr(error.__cause__, "schema_errors", None) or getattr(
        error, "schema_errors", None
    )
    if schema_errors:
        details = []
        for e in schema_errors:
            path = getattr(e, "absolute_path", getattr(e, "path", ()))
            where = "/".join(str(p) for p in path) or "(root)"
            details.append(f"{where}: {getattr(e, 'message', e)}")
        # "Query parameter error: X" names the parameter; a body's text repeats the whole value.
        prefix = str(error)
        if "not valid for schema" in prefix:
            prefix = type(error).__name__
        return f"{prefix}: " + "; ".join(details)
    text = str(error)
    if error.__cause__ is not None and str(error.__cause__) not in text:
        text += f" ({error.__cause__})"
    return text


def request_errors(doc: Document, operation: Operation, request: MockRequest) -> list[str]:
    return [describe(e) for e in doc.app(operation).iter_request_errors(request)]


def check_exchange(
    doc: Document,
    file: str,
    ex: dict[str, Any],
    failures: list[Failure],
    counts: dict[str, int],
) -> None:
    name = ex["name"]
    expected = doc.by_id.get(ex["operation_id"])
    if expected is None:
        why = f"the document has no operation {ex['operation_id']}"
        failures.append(Failure(file, name, "match", ex["operation_id"], [why]))
        return
    request = ex.get("request")
    if request is not None:
        counts["requests"] += 1
        found, matched = match(doc, request)
        target = expected
        if len(matched) != 1 or matched[0] is not expected:
            if not found:
                why = "no operation has the method and path of "
                why += f"{request['method']} {request['url']}"
            elif not matched:
                why = (
                    f"{len(found)} operation(s) have the method and path but none has every "
                    f"dispatch value (expected {expected.operation_id}: "
                    + ", ".join(f"{v['in']} {v['name']}={v['value']}" for v in expected.values)
                    + ")"
                )
            elif len(matched) > 1:
                why = "ambiguous: " + ", ".join(o.operation_id for o in matched)
            else:
                why = f"matched {matched[0].operation_id}"
            why = f"expected {expected.operation_id}; {why}"
            failures.append(Failure(file, name, "match", expected.operation_id, [why]))
        mock = mock_request(request)
        errors = request_errors(doc, target, mock)
        if errors:
            failures.append(Failure(file, name, "request", target.operation_id, errors))
        for other in found:
            if other is target or other.op is target.op:
                # Merged endpoints share one operation: their dispatch values (enum
                # parameters, `const` body branches) tell them apart, checked by match().
                continue
            counts["rejections"] += 1
            if not request_errors(doc, other, mock):
                why = (
                    f"the request also validates against {other.operation_id} "
                    f"({other.key_method.upper()} {other.key}): the document cannot tell them apart"
                )
                failures.append(Failure(file, name, "request", target.operation_id, [why]))
    else:
        mock = placeholder_request(doc, expected)
    response = ex.get("response")
    if response is not None:
        counts["responses"] += 1
        headers = [(n, v) for n, v in response["headers"]]
        content_type = next(
            iter(header_values(response["headers"], "content-type")), "application/json"
        )
        body = response.get("body")
        mock_response = MockResponse(
            body.encode("utf-8") if body is not None else b"",
            status_code=int(response["status"]),
            headers=headers,  # type: ignore[arg-type]
            content_type=content_type,
        )
        found_errors = doc.app(expected).iter_response_errors(mock, mock_response)
        errors = [describe(e) for e in found_errors]
        if errors:
            failures.append(Failure(file, name, "response", expected.operation_id, errors))


def print_failures(failures: list[Failure]) -> None:
    for f in failures:
        print(f"FAIL {f.exchange} [{f.part}] {f.operation or ''}")
        for e in f.errors:
            print(f"    {e}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "exchanges", nargs="+", type=Path, help="exchange files (target/agreement/*.json)"
    )
    parser.add_argument("--report", type=Path, help="also write the failures and counts as JSON")
    args = parser.parse_args(argv)

    failures: list[Failure] = []
    counts = {"exchanges": 0, "requests": 0, "responses": 0, "rejections": 0}
    documents: dict[Path, Document] = {}
    for file in args.exchanges:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            doc_path = Path(data["document"])
            doc = documents.get(doc_path)
            if doc is None:
                doc = documents[doc_path] = Document(doc_path)
                for problem in doc.problems:
                    failures.append(
                        Failure(str(doc_path), "(document)", "document", None, [problem])
                    )
        except (OSError, ValueError, KeyError) as e:
            print(f"error: {file}: {e}", file=sys.stderr)
            return 2
        for ex in data["exchanges"]:
            counts["exchanges"] += 1
            check_exchange(doc, str(file), ex, failures, counts)

    print_failures(failures)
    version = metadata.version("openapi-core")
    print(
        f"agreement: {counts['exchanges']} exchanges ({counts['requests']} requests, "
        f"{counts['responses']} responses, {counts['rejections']} rejections by sibling "
        "operations) "
        f"against {len(documents)} documents with openapi-core {version}: {len(failures)} failures"
    )
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(
            json.dumps(
                {
                    "openapi_core": version,
                    "counts": counts,
                    "failures": [f.as_json() for f in failures],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
