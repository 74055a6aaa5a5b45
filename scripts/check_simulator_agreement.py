#!/usr/bin/env python3
"""Checks a running switchboard simulator against its service's OpenAPI document with
openapi-core: for every operation, a request built from the document alone (the parameters'
and bodies' examples, else values made from their schemas, plus the dispatch values) is sent to
the simulator; it must be accepted (a 2xx answer whose envelope code is the documented success
value) and the answer must validate against the operation's responses.

Run through `bash scripts/check-agreement --simulator BASE_URL DOCUMENT [--report FILE]`
(which installs the pinned openapi-core). The simulator runs without its auth check
(`examples/simulator.rs -- PORT --no-auth`): a request built from the document carries no
signature, ticket or session, and the document's security schemes are not what is checked here.
The request itself is validated against the document too (security requirements left out), so
a request the builder below gets wrong is reported as such and not blamed on the simulator.

Exit status 0 when every operation agrees, 1 on any failure, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from check_agreement import Document, Failure, Operation, describe, mock_request, print_failures
from openapi_core.testing import MockResponse


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def own_example(holder: dict[str, Any], operation_id: str) -> tuple[bool, Any]:
    """(found, value) of the holder's example for this operation: merged operations key their
    examples `<operationId>/<sample>`."""
    for key, example in (holder.get("examples") or {}).items():
        if key.split("/")[0] == operation_id and isinstance(example, dict) and "value" in example:
            return True, example["value"]
    return False, None


def example_of(
    doc: dict[str, Any], holder: dict[str, Any], schema: dict[str, Any], operation_id: str
) -> Any:
    """The holder's documented example (this operation's first), else one of its schema's."""
    found, value = own_example(holder, operation_id)
    if found:
        return value
    if "example" in holder:
        return holder["example"]
    for example in (holder.get("examples") or {}).values():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return value_for(doc, schema, 0)


def value_for(doc: dict[str, Any], schema: dict[str, Any], depth: int) -> Any:
    """A value of `schema`: its const, example, default or first enum value, else the smallest
    value its type and bounds allow; objects carry their required properties only."""
    schema = resolve(doc, schema)
    for key in ("const", "example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf", "allOf"):
        if schema.get(key):
            return value_for(doc, schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        count = schema.get("minItems", 0)
        return [value_for(doc, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "object" or "properties" in schema:
        if depth > 8:
            return {}
        props = schema.get("properties", {})
        return {
            name: value_for(doc, props.get(name, {}), depth + 1)
            for name in schema.get("required", [])
        }
    text = "example"
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    text = text.ljust(low, "x")
    return text[:high] if high is not None else text


def server_url(doc: Document, operation: Operation) -> str:
    server = doc.servers(operation)[0]
    url = server["url"].rstrip("/")
    for name, var in server.get("variables", {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", name)))
    return url


def build(doc: Document, operation: Operation) -> tuple[str, str, list[list[str]], str | None]:
    """(method, path with query, headers, body) of a request made from the document."""
    raw = doc.doc
    params = [resolve(raw, p) for p in operation.item.get("parameters", [])]
    params += [resolve(raw, p) for p in operation.op.get("parameters", [])]
    path = operation.real_path
    query: list[tuple[str, str]] = []
    headers: list[list[str]] = []
    fixed = {(v["in"], v["name"]): v["value"] for v in operation.values}
    # A merged operation lists each endpoint's parameters; whether one is required by that
    # endpoint is not in the document, so every listed one is sent.
    entry = next(
        (
            e
            for e in (operation.op.get("x-switchboard-dispatch") or {}).get("operations", [])
            if e.get("operationId") == operation.operation_id
        ),
        None,
    )
    listed = set(entry.get("parameters", [])) if entry else set()
    for param in params:
        where, name = param["in"], param["name"]
        if (where, name) in fixed:
            continue
        required = param.get("required", False) or where == "path" or name in listed
        if entry is not None and name not in listed:
            required = False
        if not required and not own_example(param, operation.operation_id)[0]:
            continue
        value = example_of(raw, param, param.get("schema", {}), operation.operation_id)
        text = value if isinstance(value, str) else json.dumps(value)
        if isinstance(value, bool):
            text = "true" if value else "false"
        if where == "path":
            path = path.replace("{" + name + "}", quote(text, safe=""))
        elif where == "query":
            query.append((name, text))
        elif where == "header":
            headers.append([name, text])
    body: Any = None
    content_type = None
    request_body = resolve(raw, operation.op.get("requestBody", {}))
    for media, content in (request_body.get("content") or {}).items():
        content_type = media
        schema = content.get("schema", {})
        # Merged operations: the body branch of this endpoint (its dispatch value's `const`).
        branches = resolve(raw, schema).get("oneOf")
        if branches and any(v["in"] == "body" for v in operation.values):
            for branch in branches:
                props = resolve(raw, branch).get("properties", {})
                if all(
                    resolve(raw, props.get(v["name"], {})).get("const") == v["value"]
                    for v in operation.values
                    if v["in"] == "body"
                ):
                    schema = branch
                    break
        body = example_of(raw, content, schema, operation.operation_id)
        break
    for (where, name), value in fixed.items():
        if where == "query":
            query.append((name, value))
        elif where == "header":
            headers.append([name, value])
        elif where == "body":
            body = dict(body or {}, **{name: value})
            content_type = content_type or "application/json"
    text = None
    if body is not None or content_type:
        content_type = content_type or "application/json"
        headers.append(["Content-Type", content_type])
        if content_type.startswith("application/x-www-form-urlencoded"):
            text = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in (body or {}).items()})
        else:
            text = json.dumps(body if body is not None else {})
    if query:
        path += "?" + urlencode(query)
    return operation.real_method.upper(), path, headers, text


def accepted(doc: Document, status: int, body: str) -> str | None:
    """Why the answer is not a success, or None."""
    if not 200 <= status < 300:
        return f"HTTP {status}: {body[:300]}"
    code = (doc.doc.get("x-switchboard-envelope") or {}).get("code")
    if not code:
        return None
    try:
        value: Any = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:300]}"
    for part in code["field"].split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if str(value) != str(code["success"]):
        return f"{code['field']} is {value!r}, not the success value {code['success']!r}: {body[:300]}"
    return None


def check_operation(doc: Document, base_url: str, operation: Operation, failures: list[Failure]) -> None:
    name = operation.operation_id
    method, path, headers, body = build(doc, operation)
    request = {"method": method, "url": server_url(doc, operation) + path, "headers": headers, "body": body}
    mock = mock_request(request)
    errors = [
        describe(e)
        for e in doc.app(operation).iter_request_errors(mock)
        if "Security" not in type(e).__name__
    ]
    if errors:
        failures.append(Failure(base_url, name, "request", name, errors))
    sent = urllib.request.Request(
        base_url.rstrip("/") + path,
        data=body.encode("utf-8") if body is not None else None,
        method=method,
        headers={n: v for n, v in headers},
    )
    try:
        with urllib.request.urlopen(sent, timeout=30) as answer:
            status, answer_headers, text = answer.status, list(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as e:
        status, answer_headers, text = e.code, list(e.headers.items()), e.read()
    except OSError as e:
        failures.append(Failure(base_url, name, "send", name, [str(e)]))
        return
    why = accepted(doc, status, text.decode("utf-8", "replace"))
    if why:
        failures.append(Failure(base_url, name, "accepted", name, [why]))
    content_type = next((v for n, v in answer_headers if n.lower() == "content-type"), "application/json")
    response = MockResponse(text, status_code=status, headers=answer_headers, content_type=content_type)  # type: ignore[arg-type]
    errors = [describe(e) for e in doc.app(operation).iter_response_errors(mock, response)]
    if errors:
        failures.append(Failure(base_url, name, "response", name, errors))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the simulator's base URL, as examples/simulator.rs prints it")
    parser.add_argument("document", type=Path, help="generated/openapi/<service>.json")
    parser.add_argument("--report", type=Path, help="also write the failures as JSON")
    args = parser.parse_args(argv)
    try:
        doc = Document(args.document)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {args.document}: {e}", file=sys.stderr)
        return 2
    if urlsplit(args.base_url).scheme not in ("http", "https"):
        print(f"error: {args.base_url} is no http(s) URL", file=sys.stderr)
        return 2
    failures: list[Failure] = []
    for operation in doc.operations:
        check_operation(doc, args.base_url, operation, failures)
    print_failures(failures)
    version = metadata.version("openapi-core")
    print(
        f"simulator agreement: {len(doc.operations)} operations of {args.document.name} sent to "
        f"{args.base_url}, checked with openapi-core {version}: {len(failures)} failures"
    )
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        report = {"openapi_core": version, "operations": len(doc.operations),
                  "failures": [f.as_json() for f in failures]}
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
