"""progenitor's cell of the interoperability matrix (used by interop.py `--tools progenitor`).

`scripts/interop/progenitor` installs cargo-progenitor, generates a client crate from each
OpenAPI 3.0.3 export into one cargo workspace (`target/interop-progenitor/progenitor/`, members
`crates/*` and `callers/*`) and builds it. Here, per service, a small caller crate is written
into that workspace: a `main` that calls the seed operation through the generated positional
`Client` method, with the documented sample values as arguments, against the base URL it is
given, and prints `{"status", "data"}` — the decoded success value serialized back to JSON —
for interop.py's oracle (the same loopback server and checks as the other tools).

progenitor's method signature is only known after generation (typify picks `&'a str`, `i64`,
`&'a types::Body`, `Option<…>`), so each argument is written from the signature in the
generated `lib.rs`: the sample value as JSON, deserialized into the parameter's own type.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = Path(os.environ.get("PROGENITOR_WORKSPACE", ROOT / "target/interop-progenitor/progenitor"))
# Kept outside target/interop/, which scripts/interop/run deletes on every run: the
# dependencies (reqwest, tokio) are built once.
TARGET = Path(os.environ.get("PROGENITOR_TARGET", ROOT / "target/progenitor/target"))


def progenitor_client(doc_path: Path, work: Path, call, base: str):
    """Write, build and run the caller of `call` for the crate generated from `doc_path`."""
    service = doc_path.stem
    crate = WORKSPACE / "crates" / service
    if not (crate / "src/lib.rs").exists():
        raise RuntimeError(f"no progenitor crate at {crate} (run scripts/interop/progenitor)")
    package = manifest(crate)["package"]["name"]
    lib = (crate / "src/lib.rs").read_text(encoding="utf-8")
    op_id = call.op["operationId"]
    args = [argument(name, typ, call) for name, typ in signature(lib, op_id)]
    caller = WORKSPACE / "callers" / service
    (caller / "src").mkdir(parents=True, exist_ok=True)
    # The source first: a member manifest without it breaks the whole workspace.
    (caller / "src/main.rs").write_text(
        main_rs(op_id, args, auth_headers(call)), encoding="utf-8"
    )
    reqwest = dependency(crate, "reqwest")
    (caller / "Cargo.toml").write_text(
        "[package]\n"
        f'name = "{package}-call"\n'
        'version = "0.1.0"\n'
        'edition = "2024"\n'
        "publish = false\n\n"
        "[dependencies]\n"
        f'client = {{ package = "{package}", path = "../../crates/{service}" }}\n'
        # The same reqwest as the generated crate (the `Client` takes one), for default headers.
        f'reqwest = {{ version = "{reqwest}", default-features = false }}\n'
        'serde_json = "1"\n'
        'tokio = { version = "1", features = ["macros", "rt"] }\n',
        encoding="utf-8",
    )
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["cargo", "build", "-q", "--manifest-path", str(WORKSPACE / "Cargo.toml"),
         "--target-dir", str(TARGET), "-p", f"{package}-call"],
        check=True, capture_output=True, text=True,
    )
    done = subprocess.run(
        [str(TARGET / "debug" / f"{package}-call"), base],
        check=True, capture_output=True, text=True,
    )
    result = json.loads(done.stdout)
    if "error" in result:
        return result["status"], {"progenitor error": result["error"]}
    return result["status"], result["data"]


def signature(lib: str, op_id: str) -> list[tuple[str, str]]:
    """(name, type) of each argument of `Client::<op_id>` in the positional interface."""
    found = re.search(
        r"pub async fn " + re.escape(op_id) + r"<[^>]*>\(\s*&'a self,(.*?)\)\s*->", lib, re.DOTALL
    )
    if not found:
        raise RuntimeError(f"progenitor generated no method `{op_id}`")
    args, depth, current = [], 0, ""
    for c in found.group(1):
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        if c == "," and depth == 0:
            args.append(current)
            current = ""
        else:
            current += c
    args.append(current)
    out = []
    for arg in filter(str.strip, args):
        name, typ = arg.split(":", 1)
        out.append((name.strip(), " ".join(typ.split())))
    return out


def key(name: str) -> str:
    """A wire name and progenitor's snake-case argument name compare equal under this key."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def argument(name: str, typ: str, call) -> str:
    """The Rust expression passing the sample value of argument `name` of type `typ`."""
    if name == "body":
        value = call.body()
    else:
        values = {key(k): v for where in ("path", "query", "header")
                  for k, v in call.raw_params(where).items()}
        value = values.get(key(name))
    optional = typ.startswith("Option<") and typ.endswith(">")
    inner = typ[len("Option<"):-1].strip() if optional else typ
    if value is None and optional:
        return "None"
    # progenitor 0.15.1 makes every request body a required argument, even one the document
    # marks `required: false` (see `explain`); with no sample body the caller passes JSON
    # `null`, the nearest it can come to sending none, and the server tells the two apart.
    if value is None and name != "body":
        raise RuntimeError(f"no documented value for the required argument `{name}: {typ}`")
    text = json.dumps(value, ensure_ascii=False)
    hashes = "#"
    while f'"{hashes}' in text:
        hashes += "#"
    literal = f'r{hashes}"{text}"{hashes}'
    if inner.startswith("&"):
        # `&'a str` borrows a String; `&'a types::X` an X.
        owned = re.sub(r"^&\s*'a\s*", "", inner)
        owned = "String" if owned == "str" else owned
        expr = f"&serde_json::from_str::<{owned}>({literal}).expect(\"sample `{name}`\")"
    else:
        expr = f"serde_json::from_str::<{inner}>({literal}).expect(\"sample `{name}`\")"
    return f"Some({expr})" if optional else expr


def auth_headers(call) -> list[tuple[str, str]]:
    """Hand-supplied credentials of the operation's first security alternative (progenitor
    generates no auth): its header and cookie schemes and HTTP Basic, as default headers.
    Query-string schemes cannot be added (the `Client` has no hook for it in the CLI's
    generation settings); the server ignores auth parameters either way."""
    schemes = call.doc.get("components", {}).get("securitySchemes", {})
    alternatives = call.op.get("security", call.doc.get("security", []))
    headers, cookies = [], []
    for name in (alternatives[0] if alternatives else {}):
        scheme = schemes.get(name, {})
        if scheme.get("type") == "http" and scheme.get("scheme") == "basic":
            headers.append(("authorization", "Basic aW50ZXJvcDppbnRlcm9w"))
        elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            headers.append((scheme["name"].lower(), "interop"))
        elif scheme.get("type") == "apiKey" and scheme.get("in") == "cookie":
            cookies.append(f"{scheme['name']}=interop")
    if cookies:
        headers.append(("cookie", "; ".join(cookies)))
    return headers


def main_rs(op_id: str, args: list[str], headers: list[tuple[str, str]]) -> str:
    inserts = "".join(
        f'    headers.insert("{n}", reqwest::header::HeaderValue::from_static("{v}"));\n'
        for n, v in headers
    )
    call_args = "".join(f"            {a},\n" for a in args)
    return f"""// Written by scripts/interop/progenitor_call.py: calls `{op_id}` with its documented sample.
#[allow(unused_imports)] // `types` only when an argument has a generated type
use client::{{Client, types}};

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let base = std::env::args().nth(1).expect("base URL argument");
    #[allow(unused_mut)]
    let mut headers = reqwest::header::HeaderMap::new();
{inserts}    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    let client = Client::new_with_client(&base, http);
    let out = match client
        .{op_id}(
{call_args}        )
        .await
    {{
        Ok(response) => {{
            let status = response.status().as_u16();
            let data = serde_json::to_value(response.into_inner()).expect("serializable");
            serde_json::json!({{"status": status, "data": data}})
        }}
        Err(error) => serde_json::json!({{
            "status": error.status().map(|s| s.as_u16()),
            "error": error.to_string(),
        }}),
    }};
    println!("{{out}}");
}}
"""


def manifest(crate: Path) -> dict:
    # Imported here: tomllib is Python 3.11+, and interop.py's other cells run on 3.10.
    import tomllib

    return tomllib.loads((crate / "Cargo.toml").read_text(encoding="utf-8"))


def dependency(crate: Path, name: str) -> str:
    spec = manifest(crate)["dependencies"][name]
    return spec if isinstance(spec, str) else spec["version"]


# The problem the server reports for a body sent where the documented request has none.
NULL_BODY = "body null, want (none)"


def explain(call, server_problems: list[str]) -> str | None:
    """Why a red progenitor cell is a limitation of progenitor 0.15.1, or None if it is not
    one of the known ones (then the cell stays an unexplained failure)."""
    body = call.op.get("requestBody")
    if server_problems == [NULL_BODY] and body is not None and not body.get("required"):
        return (
            "progenitor 0.15.1 ignores `requestBody.required: false`: the generated method takes "
            "the body as a required argument (here `&serde_json::Value`, the document's empty "
            "schema) and always sends it, so a call without a body is not expressible and the "
            "nearest one sends JSON `null` (progenitor-impl 0.15.1 src/method.rs "
            "`get_body_param` never reads `required`; upstream: oxidecomputer/progenitor#384, open)"
        )
    return None
