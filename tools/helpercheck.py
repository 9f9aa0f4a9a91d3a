"""Static check of the PowerShell helpers against the helper contract and the cmdlet catalogue.

There is no PowerShell here, so `plugins/module_utils/_EntraConnect.psm1` is checked from its
tree-sitter-powershell syntax tree. Rules (each has a test that proves it fails on a bad helper):

  parse         the file parses cleanly;
  functions     every contract helper is defined; every function is a helper or a listed private one;
  parameters    each helper declares exactly the contract's parameters: name, type, Mandatory, ValidateSet;
  cmdlets       every ADSync/ADSyncTools cmdlet called is in the catalogue, with only its parameters;
  splatting     no command is called with @splatted arguments (every parameter stays visible);
  undocumented  an undocumented cmdlet is called only by helpers whose contract gives the reason,
                and every reason in the contract is used;
  results       each [PSCustomObject]@{} carries exactly the field names of a contract shape, and
                each helper builds its top-level result shape;
  whatif        read helpers set $WhatIfPreference = $false; write helpers support ShouldProcess
                and call $PSCmdlet.ShouldProcess;
  erroraction   every helper sets $ErrorActionPreference = 'Stop';
  confirm       every write helper sets $ConfirmPreference = 'None' (configuration changes may prompt
                since 2026, and a prompt over WinRM hangs: reference section 0);
  formatting    no Write-Host, Format-*, Out-Host or Out-String.

Run `python tools/helpercheck.py` (make pscheck); the unit tests run it too.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / ".collections"))

import pscheck  # noqa: E402

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract  # noqa: E402

HELPER_FILE = ROOT / "plugins" / "module_utils" / "_EntraConnect.psm1"
CATALOGUE = ROOT / "tests" / "data" / "adsync" / "adsync-cmdlets.json"
ADSYNC_COMMAND = re.compile(r"^[A-Za-z]+-ADSync", re.IGNORECASE)
COMMON_PARAMETERS = {
    "verbose",
    "debug",
    "erroraction",
    "warningaction",
    "informationaction",
    "errorvariable",
    "warningvariable",
    "informationvariable",
    "outvariable",
    "outbuffer",
    "pipelinevariable",
}
FORMATTING = re.compile(r"^(Write-Host|Format-\w+|Out-Host|Out-String)$", re.IGNORECASE)
#: Reads whose -ErrorAction SilentlyContinue would turn "access denied" into "absent".
READS = re.compile(
    r"^(Get-ItemProperty|Get-Item|Get-ChildItem|Get-Content|Get-CimInstance|Get-WmiObject)$", re.IGNORECASE
)
#: The global parameters' keyed-collection indexer, which throws on a missing name.
PARAMETER_INDEXER = re.compile(r"\.Parameters\s*\[", re.IGNORECASE)
#: A native program invoked with the call operator and its output assigned.
NATIVE_CALL = re.compile(r"=\s*&\s*\$\w+")


@dataclass(frozen=True)
class Problem:
    rule: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class CmdletInfo:
    parameters: frozenset[str]  # lower-case
    should_process: bool
    common_parameters: bool
    undocumented: bool


def load_catalogue(path: Path = CATALOGUE) -> dict[str, CmdletInfo]:
    """Cmdlet name (lower-case) -> what the catalogue says about it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    catalogue: dict[str, CmdletInfo] = {}
    for module in data["modules"].values():
        for name, entry in module.items():
            if name.startswith("_"):
                continue
            params = {p["name"].lower() for s in entry.get("parameter_sets", []) for p in s.get("parameters", [])}
            catalogue[name.lower()] = CmdletInfo(
                frozenset(params),
                bool(entry.get("binary_check", {}).get("supports_should_process")),
                bool(entry.get("common_parameters", True)),
                entry.get("support") != "documented",
            )
    for name, entry in data["undocumented_but_used"].items():
        catalogue[name.lower()] = CmdletInfo(
            frozenset(p["name"].lower() for p in entry.get("parameters", [])),
            bool(entry.get("supports_should_process")),
            bool(entry.get("common_parameters", False)),
            True,
        )
    return catalogue


# ---------------------------------------------------------------------------------------------
# Syntax tree helpers
# ---------------------------------------------------------------------------------------------


class Source:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.tree = pscheck.parse(data)

    def text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def walk(node) -> Iterable:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def first(node, node_type: str):
    return next((n for n in walk(node) if n.type == node_type), None)


def functions(src: Source) -> dict[str, object]:
    found = {}
    for node in walk(src.tree.root_node):
        if node.type == "function_statement":
            name = first(node, "function_name")
            if name is not None:
                found[src.text(name)] = node
    return found


def unquote(text: str) -> str:
    return text.strip().strip("'\"")


def attributes(src: Source, node) -> list[tuple[str, list[str]]]:
    """(attribute name, argument texts) for each attribute directly in an attribute_list."""
    result = []
    for attr in node.children:
        if attr.type != "attribute":
            continue
        name_node = attr.child_by_field_name("name") or first(attr, "attribute_name") or first(attr, "type_spec")
        args_node = first(attr, "attribute_arguments")
        args = [src.text(a) for a in args_node.children if a.type == "attribute_argument"] if args_node else []
        result.append((src.text(name_node) if name_node else src.text(attr).strip("[]"), args))
    return result


@dataclass
class DeclaredParam:
    name: str
    type: str | None
    mandatory: bool
    choices: tuple[str, ...]
    line: int


def declared_params(src: Source, function) -> tuple[list[DeclaredParam], list[tuple[str, list[str]]]]:
    body = first(function, "script_block")
    param_block = first(body, "param_block") if body is not None else None
    if param_block is None:
        return [], []
    binding = []
    params = []
    for child in param_block.children:
        if child.type == "attribute_list":
            binding = attributes(src, child)
        if child.type != "parameter_list":
            continue
        for script_param in child.children:
            if script_param.type != "script_parameter":
                continue
            variable = first(script_param, "variable")
            attrs_node = first(script_param, "attribute_list")
            attrs = attributes(src, attrs_node) if attrs_node is not None else []
            type_name = None
            mandatory = False
            choices: tuple[str, ...] = ()
            for name, args in attrs:
                if name.lower() == "parameter":
                    mandatory = any(a.replace(" ", "").lower() in ("mandatory", "mandatory=$true") for a in args)
                elif name.lower() == "validateset":
                    choices = tuple(unquote(a) for a in args)
                elif not args:
                    type_name = name.lower()
            params.append(
                DeclaredParam(src.text(variable).lstrip("$"), type_name, mandatory, choices, line_of(script_param))
            )
    return params, binding


def line_of(node) -> int:
    return node.start_point[0] + 1


def commands(src: Source, function) -> list[tuple[str, list[tuple[str, object]], object]]:
    """(command name, [(element type, node)], command node) for every command in the function."""
    found = []
    for node in walk(function):
        if node.type != "command":
            continue
        name_node = first(node, "command_name")
        elements = first(node, "command_elements")
        items = [(c.type, c) for c in elements.children] if elements is not None else []
        found.append((src.text(name_node) if name_node is not None else "", items, node))
    return found


def assignments(src: Source, function) -> dict[str, list[str]]:
    """Variable name (lower-case) -> the right-hand sides assigned to it anywhere in the function."""
    found: dict[str, list[str]] = {}
    for node in walk(function):
        if node.type != "assignment_expression":
            continue
        left = first(node, "left_assignment_expression")
        right = node.children[-1] if node.children else None
        if left is None or right is None:
            continue
        found.setdefault(src.text(left).strip().lower(), []).append(src.text(right).strip())
    return found


def custom_object_literals(src: Source, function) -> list[tuple[frozenset[str], int]]:
    literals = []
    for node in walk(function):
        if node.type != "cast_expression":
            continue
        type_node = first(node, "type_literal")
        if type_node is None or src.text(type_node).replace(" ", "").lower() != "[pscustomobject]":
            continue
        hash_node = first(node, "hash_literal_expression")
        if hash_node is None:
            continue
        body = first(hash_node, "hash_literal_body")
        keys = []
        if body is not None:
            for entry in body.children:
                if entry.type == "hash_entry":
                    keys.append(unquote(src.text(first(entry, "key_expression"))))
        literals.append((frozenset(keys), line_of(node)))
    return literals


# ---------------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------------


def check(
    data: bytes,
    helpers: Iterable[contract.Helper] = contract.HELPERS,
    private: Iterable[str] = contract.PRIVATE_FUNCTIONS,
    catalogue: dict[str, CmdletInfo] | None = None,
) -> list[Problem]:
    helpers = {h.name: h for h in helpers}
    private = set(private)
    catalogue = load_catalogue() if catalogue is None else catalogue
    problems = [Problem("parse", p.line, str(p).split(": ", 1)[1]) for p in pscheck.parse_problems(Path("-"), data)]
    if problems:
        return problems
    src = Source(data)
    defined = functions(src)
    all_shapes = {shape for h in helpers.values() for shape in contract.object_shapes(h.result)}
    for name in helpers:
        if name not in defined:
            problems.append(Problem("functions", 1, f"helper {name} is in the contract but not defined"))
    for name, node in defined.items():
        if name in helpers:
            problems.extend(_check_helper(src, node, helpers[name], catalogue))
        elif name in private:
            problems.extend(_check_calls(src, node, None, catalogue))
            problems.extend(_check_literals(src, node, None, all_shapes))
        else:
            problems.append(
                Problem("functions", line_of(node), f"function {name} is neither a contract helper nor private")
            )
    return sorted(problems, key=lambda p: (p.line, p.rule))


def _check_helper(src: Source, node, h: contract.Helper, catalogue: dict[str, CmdletInfo]) -> list[Problem]:
    problems = _check_params(src, node, h)
    problems.extend(_check_calls(src, node, h, catalogue))
    problems.extend(_check_literals(src, node, h, set(contract.object_shapes(h.result))))
    assigned = assignments(src, node)
    if "'stop'" not in [v.lower() for v in assigned.get("$erroractionpreference", [])]:
        problems.append(Problem("erroraction", line_of(node), f"{h.name} must set $ErrorActionPreference = 'Stop'"))
    if h.mutates and "'none'" not in [v.lower() for v in assigned.get("$confirmpreference", [])]:
        problems.append(
            Problem("confirm", line_of(node), f"write helper {h.name} must set $ConfirmPreference = 'None'")
        )
    binding = declared_params(src, node)[1]
    supports = any(
        name.lower() == "cmdletbinding"
        and any(a.replace(" ", "").lower().startswith("supportsshouldprocess") for a in args)
        for name, args in binding
    )
    if h.mutates:
        calls_should_process = "$pscmdlet.shouldprocess(" in src.text(node).lower()
        if not supports or not calls_should_process:
            problems.append(
                Problem(
                    "whatif",
                    line_of(node),
                    f"write helper {h.name} must declare SupportsShouldProcess and call $PSCmdlet.ShouldProcess",
                )
            )
    elif "$false" not in [v.lower() for v in assigned.get("$whatifpreference", [])]:
        problems.append(Problem("whatif", line_of(node), f"read helper {h.name} must set $WhatIfPreference = $false"))
    return problems


def _check_params(src: Source, node, h: contract.Helper) -> list[Problem]:
    problems = []
    declared = declared_params(src, node)[0]
    by_name = {p.name.lower(): p for p in declared}
    expected = {p.name.lower(): p for p in h.params}
    for name in sorted(set(by_name) - set(expected)):
        problems.append(Problem("parameters", by_name[name].line, f"{h.name} declares ${name}, not in the contract"))
    for name, p in expected.items():
        got = by_name.get(name)
        if got is None:
            problems.append(Problem("parameters", line_of(node), f"{h.name} lacks parameter ${p.name}"))
            continue
        want_type = contract.PARAM_TYPES[p.type]
        if got.type != want_type:
            problems.append(
                Problem("parameters", got.line, f"{h.name} ${p.name} must be [{want_type}], not [{got.type}]")
            )
        if got.mandatory != p.required:
            want = "Mandatory" if p.required else "optional"
            problems.append(Problem("parameters", got.line, f"{h.name} ${p.name} must be {want}"))
        if set(got.choices) != set(p.choices):
            problems.append(
                Problem("parameters", got.line, f"{h.name} ${p.name} ValidateSet must be {list(p.choices)}")
            )
    return problems


def _guarded_positive(src: Source, command, variable: str) -> bool:
    """Whether ``command`` sits inside an ``if`` whose condition tests ``variable -gt 0``."""
    wanted = re.compile(re.escape(variable) + r"\s+-(gt\s+0|ge\s+1)\b", re.IGNORECASE)
    parent = command.parent
    while parent is not None:
        if parent.type == "if_statement":
            condition = first(parent, "pipeline")
            if condition is not None and wanted.search(src.text(condition)):
                return True
        parent = parent.parent
    return False


def _check_run_history(src: Source, name: str, elements, command, owner: str) -> list[Problem]:
    """Get-ADSyncRunProfileResult -NumberRequested 0 (or omitted) returns the whole run history."""
    line = line_of(command)
    texts = [(kind, src.text(element).strip()) for kind, element in elements if kind != "command_argument_sep"]
    for index, (kind, text) in enumerate(texts):
        if kind == "command_parameter" and text.lstrip("-").lower().startswith("numberrequested"):
            value = text.split(":", 1)[1] if ":" in text else (texts[index + 1][1] if index + 1 < len(texts) else "")
            if value.startswith("$"):
                if not _guarded_positive(src, command, value):
                    return [
                        Problem(
                            "runhistory",
                            line,
                            f"{owner} feeds {value} to {name} -NumberRequested without an 'if ({value} -gt 0)' guard "
                            "(0 returns the whole run history)",
                        )
                    ]
                return []
            if value.isdigit() and int(value) > 0:
                return []
            message = f"{owner} calls {name} -NumberRequested {value} (0: the whole history)"
            return [Problem("runhistory", line, message)]
    if not any(t.lstrip("-").lower().startswith("runhistoryid") for k, t in texts if k == "command_parameter"):
        return [Problem("runhistory", line, f"{owner} calls {name} without -NumberRequested (the whole run history)")]
    return []


def _check_reads(src: Source, node, h: contract.Helper | None) -> list[Problem]:
    """Rules on reads: no throwing indexer on global parameters, no silenced registry/CIM/file reads,
    native programs with their stderr captured under 'Continue' before $LASTEXITCODE is read."""
    problems = []
    owner = h.name if h else "private function"
    text = src.text(node)
    for offset, source_line in enumerate(text.splitlines()):
        if PARAMETER_INDEXER.search(source_line) and not source_line.lstrip().startswith("#"):
            problems.append(
                Problem(
                    "globalparameters",
                    line_of(node) + offset,
                    f"{owner} indexes .Parameters[...] (throws on a missing name); use Where-Object -Property Name -EQ",
                )
            )
        if NATIVE_CALL.search(source_line) and "2>&1" not in source_line:
            problems.append(
                Problem("native", line_of(node) + offset, f"{owner} runs a native program without capturing 2>&1")
            )
    if NATIVE_CALL.search(text):
        preferences = [v.lower() for v in assignments(src, node).get("$erroractionpreference", [])]
        if "'continue'" not in preferences:
            problems.append(
                Problem(
                    "native",
                    line_of(node),
                    f"{owner} runs a native program under $ErrorActionPreference 'Stop': Windows PowerShell 5.1 "
                    "makes its stderr terminating before $LASTEXITCODE is read; set 'Continue' around the call",
                )
            )
    for name, elements, command in commands(src, node):
        if not READS.match(name):
            continue
        texts = [src.text(element).strip().lower() for kind, element in elements if kind != "command_argument_sep"]
        for index, value in enumerate(texts):
            silenced = value.replace(" ", "") in ("-erroraction:silentlycontinue", "-ea:silentlycontinue") or (
                value in ("-erroraction", "-ea") and index + 1 < len(texts) and texts[index + 1] == "silentlycontinue"
            )
            if silenced:
                problems.append(
                    Problem(
                        "silentread",
                        line_of(command),
                        f"{owner} silences {name} (-ErrorAction SilentlyContinue): a denied read would look like an "
                        "absent one; test for absence explicitly",
                    )
                )
    return problems


def _check_calls(src: Source, node, h: contract.Helper | None, catalogue: dict[str, CmdletInfo]) -> list[Problem]:
    problems = _check_reads(src, node, h)
    allowed_undocumented = {n.lower(): n for n in (h.undocumented if h else {})}
    used_undocumented = set()
    owner = h.name if h else "private function"
    for name, elements, command in commands(src, node):
        line = line_of(command)
        for kind, element in elements:
            if (
                kind != "command_parameter"
                and src.text(element).lstrip().startswith("@")
                and "@(" not in src.text(element)
            ):
                problems.append(Problem("splatting", line, f"{owner} splats {src.text(element)} into {name}"))
        if FORMATTING.match(name):
            problems.append(Problem("formatting", line, f"{owner} calls {name}; helpers return objects only"))
        if not ADSYNC_COMMAND.match(name):
            continue
        if name.lower() == "get-adsyncrunprofileresult":
            problems.extend(_check_run_history(src, name, elements, command, owner))
        info = catalogue.get(name.lower())
        if info is None:
            problems.append(Problem("cmdlets", line, f"{name} is not in the cmdlet catalogue"))
            continue
        if info.undocumented:
            used_undocumented.add(name.lower())
            if name.lower() not in allowed_undocumented:
                problems.append(
                    Problem("undocumented", line, f"{owner} calls undocumented {name} without a reason in the contract")
                )
        allowed = set(info.parameters)
        if info.common_parameters:
            allowed |= COMMON_PARAMETERS
        if info.should_process:
            allowed |= {"whatif", "confirm"}
        for kind, element in elements:
            if kind == "command_parameter":
                parameter = src.text(element).lstrip("-").split(":")[0].lower()
                if parameter not in allowed:
                    problems.append(Problem("cmdlets", line, f"{name} has no parameter -{parameter} in the catalogue"))
    if h is not None:
        for name in sorted(set(allowed_undocumented) - used_undocumented):
            problems.append(
                Problem(
                    "undocumented",
                    line_of(node),
                    f"{h.name} gives a reason for {allowed_undocumented[name]} but does not call it",
                )
            )
    return problems


def _check_literals(src: Source, node, h: contract.Helper | None, shapes: set[frozenset[str]]) -> list[Problem]:
    problems = []
    literals = custom_object_literals(src, node)
    owner = h.name if h else "private function"
    for keys, line in literals:
        if keys not in shapes:
            problems.append(
                Problem("results", line, f"{owner} builds an object with fields {sorted(keys)}, not a contract shape")
            )
    if h is not None:
        top = frozenset(f.name for f in h.result)
        if top not in {literal[0] for literal in literals}:
            problems.append(Problem("results", line_of(node), f"{h.name} never builds its result {sorted(top)}"))
    return problems


def check_script_cmdlets(data: bytes, catalogue: dict[str, CmdletInfo] | None = None) -> list[Problem]:
    """A generated script (not a helper): it parses, and every ADSync cmdlet and parameter it calls
    is in the catalogue (undocumented ones are allowed: the script is the Rules Editor's shape)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    problems = [Problem("parse", p.line, str(p).split(": ", 1)[1]) for p in pscheck.parse_problems(Path("-"), data)]
    if problems:
        return problems
    src = Source(data)
    for name, elements, command in commands(src, src.tree.root_node):
        if not ADSYNC_COMMAND.match(name):
            continue
        info = catalogue.get(name.lower())
        if info is None:
            problems.append(Problem("cmdlets", line_of(command), f"{name} is not in the cmdlet catalogue"))
            continue
        allowed = set(info.parameters) | (COMMON_PARAMETERS if info.common_parameters else set())
        for kind, element in elements:
            if kind == "command_parameter":
                parameter = src.text(element).lstrip("-").split(":")[0].lower()
                if parameter not in allowed:
                    problems.append(
                        Problem("cmdlets", line_of(command), f"{name} has no parameter -{parameter} in the catalogue")
                    )
    return problems


def main() -> int:
    problems = check(HELPER_FILE.read_bytes())
    for problem in problems:
        print(f"{HELPER_FILE.relative_to(ROOT)}:{problem}")
    print(f"helpercheck: {len(contract.HELPERS)} helper(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
