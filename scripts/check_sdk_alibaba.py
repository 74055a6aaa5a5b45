"""Compares the Alibaba CCC endpoint specs with the official Python SDK alibabacloud-ccc20200701.

Input: the spec dump written by tests/sdk_alibaba.rs (per endpoint: action, version, method,
style, parameters with wire name, location and type, response fields with dotted path and type)
and the reviewed list of known differences (tests/sdk/alibaba_ccc_known_differences.json).

The SDK is read as source with `ast`, never imported: `Client.<action>_with_options` gives the
action, version, path, method, style and where each parameter goes (`query['X'] = request.x`,
`body['X'] = …`); the request and response-body models give each wire name (`to_map`) and type
(`__init__` annotations), recursively for nested models.

Every difference is a line of text; each must be in the known list (with a reason) and every
entry of the list must still occur. Exit 0 when both hold, 1 otherwise, 2 on unusable input.
"""

import argparse
import ast
import importlib.metadata
import json
import sys
from pathlib import Path

PACKAGE = "alibabacloud-ccc20200701"
SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def package_dir():
    dist = importlib.metadata.distribution(PACKAGE)
    client = next(f for f in dist.files if f.name == "client.py")
    return Path(dist.locate_file(client)).parent, dist.version


def parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def call_keywords(node, name):
    """Constant keyword arguments of the first call to `…name(…)` inside node."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                return {
                    k.arg: k.value.value
                    for k in call.keywords
                    if isinstance(k.value, ast.Constant)
                }
    return {}


def operations(client_py):
    """action -> {version, pathname, method, style, params: {wire: (location, attr)}, request}."""
    ops = {}
    for cls in parse(client_py).body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for fn in cls.body:
            # The synchronous `<action>_with_options` methods; the async twins say the same.
            if not isinstance(fn, ast.FunctionDef) or not fn.name.endswith("_with_options"):
                continue
            params = call_keywords(fn, "Params")
            if "action" not in params:
                continue
            request = next((a for a in fn.args.args if a.arg == "request"), None)
            wires = {}
            for assign in ast.walk(fn):
                if not isinstance(assign, ast.Assign) or len(assign.targets) != 1:
                    continue
                target = assign.targets[0]
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in ("query", "body")
                    and isinstance(target.slice, ast.Constant)
                ):
                    value = assign.value
                    attr = value.attr if isinstance(value, ast.Attribute) else None
                    wires[target.slice.value] = (target.value.id, attr)
            ops[params["action"]] = {
                "version": params.get("version"),
                "pathname": params.get("pathname"),
                "method": params.get("method"),
                "style": params.get("style"),
                "params": wires,
                "request": ast.unparse(request.annotation).split(".")[-1]
                if request is not None and request.annotation is not None
                else None,
            }
    return ops


class Models:
    """Every model class of the package: attribute -> (wire name, annotation)."""

    def __init__(self, models_dir):
        self.classes = {}
        for path in sorted(models_dir.glob("_*.py")):
            for node in parse(path).body:
                if isinstance(node, ast.ClassDef):
                    self.classes[node.name] = self._fields(node)

    @staticmethod
    def _fields(cls):
        annotations, wires = {}, {}
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            if fn.name == "__init__":
                for arg in fn.args.args[1:]:
                    if arg.annotation is not None:
                        annotations[arg.arg] = ast.unparse(arg.annotation)
            if fn.name == "to_map":
                for stmt in ast.walk(fn):
                    # if self.attr is not None: result['Wire'] = …
                    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
                        continue
                    left = stmt.test.left
                    if not (isinstance(left, ast.Attribute) and isinstance(left.value, ast.Name)):
                        continue
                    # `result['Wire'] = …`, or `result['Wire'].append(…)` for a list of models.
                    for inner in (n for s in stmt.body for n in ast.walk(s)):
                        if (
                            isinstance(inner, ast.Subscript)
                            and isinstance(inner.value, ast.Name)
                            and inner.value.id == "result"
                            and isinstance(inner.slice, ast.Constant)
                        ):
                            wires.setdefault(left.attr, inner.slice.value)
                            break
        return {attr: (wires.get(attr, attr), ann) for attr, ann in annotations.items()}

    def kind(self, annotation):
        """(kind, inner): inner is the item annotation of a list or the class of a model."""
        annotation = annotation.replace("typing.", "")
        if annotation in SCALARS:
            return SCALARS[annotation], None
        if annotation.startswith("List[") and annotation.endswith("]"):
            return "array", annotation[5:-1]
        if annotation.startswith("Dict["):
            return "map", None
        if annotation in ("Any", "dict", "object"):
            return "json", None
        name = annotation.split(".")[-1]
        if name in self.classes:
            return "object", name
        return "unknown:" + annotation, None

    def walk(self, prefix, annotation, out):
        kind, inner = self.kind(annotation)
        out[prefix] = kind
        if kind == "array" and inner is not None:
            self.walk(prefix + "[]", inner, out)
        elif kind == "object":
            self.walk_class(prefix, inner, out)

    def walk_class(self, prefix, cls, out):
        for wire, annotation in self.classes[cls].values():
            self.walk(f"{prefix}.{wire}" if prefix else wire, annotation, out)


def differences(what, spec, sdk):
    """One line per name only one side has, or that the sides describe differently."""
    lines = []
    for name in sorted(set(spec) | set(sdk)):
        ours, theirs = spec.get(name), sdk.get(name)
        if theirs is None:
            lines.append(f"{what} {name} ({ours}) is not in the SDK")
        elif ours is None:
            lines.append(f"{what} {name} ({theirs}) is missing from the spec")
        elif ours != theirs:
            lines.append(f"{what} {name} is {ours} in the spec, {theirs} in the SDK")
    return lines


def compare(endpoint, ops, models):
    eid = endpoint["id"]
    op = ops.get(endpoint["action"])
    if op is None:
        return [f"{eid}: action {endpoint['action']} is not in the SDK"], 0, 0
    diffs = []
    for key, sdk_key in (("version", "version"), ("method", "method"), ("style", "style")):
        if endpoint[key] != op[sdk_key]:
            diffs.append(f"{eid}: {key} is {endpoint[key]!r} in the spec, {op[sdk_key]!r} in the SDK")

    request = models.classes.get(op["request"], {})
    sdk_params = {}
    for wire, (location, attr) in op["params"].items():
        annotation = request.get(attr, (wire, "unknown"))[1] if attr else "unknown"
        sdk_params[wire] = f"{location}, {models.kind(annotation)[0]}"
    spec_params = {p["name"]: f"{p['in']}, {p['type']}" for p in endpoint["params"]}
    diffs += differences(f"{eid}: parameter", spec_params, sdk_params)

    body = op["request"].replace("ShrinkRequest", "Request").replace("Request", "ResponseBody")
    sdk_fields = {}
    if body in models.classes:
        models.walk_class("", body, sdk_fields)
    else:
        diffs.append(f"{eid}: the SDK has no model {body}")
    spec_fields = {f["path"]: f["type"] for f in endpoint["response"]}
    diffs += differences(f"{eid}: response field", spec_fields, sdk_fields)
    return diffs, len(sdk_params), len(sdk_fields)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--known", required=True, type=Path)
    parser.add_argument("spec", type=Path)
    args = parser.parse_args()

    root, version = package_dir()
    ops = operations(root / "client.py")
    models = Models(root / "models")
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    known_doc = json.loads(args.known.read_text(encoding="utf-8"))
    known = {}
    for entry in known_doc["differences"]:
        if not entry.get("reason", "").strip():
            print(f"error: known difference without a reason: {entry['difference']}", file=sys.stderr)
            return 2
        known[entry["difference"]] = entry["reason"]
    if known_doc.get("package") != f"{PACKAGE}=={version}":
        print(f"error: the known list is for {known_doc.get('package')}, installed is {PACKAGE}=={version}", file=sys.stderr)
        return 2

    found, params, fields = [], 0, 0
    for endpoint in spec["endpoints"]:
        diffs, p, f = compare(endpoint, ops, models)
        found += diffs
        params += p
        fields += f
    unknown = [d for d in found if d not in known]
    stale = [d for d in known if d not in found]
    print(
        f"compared {len(spec['endpoints'])} endpoints ({params} SDK parameters, {fields} SDK "
        f"response fields) with {PACKAGE} {version}: {len(found)} differences, "
        f"{len(found) - len(unknown)} of them known"
    )
    for d in unknown:
        print(f"UNKNOWN DIFFERENCE: {d}")
    for d in stale:
        print(f"STALE KNOWN DIFFERENCE (no longer occurs; remove it): {d}")
    return 1 if unknown or stale else 0


if __name__ == "__main__":
    sys.exit(main())
