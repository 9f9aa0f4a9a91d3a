"""Generate csexport XML in the real format (reference §6.2): every section, delta operation,
attr / dn-attr, per-value operations, holograms. No public real sample exists, so fixtures are
generated from the schema. Also used by benchmarks/csexport_bench.py.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

OPERATION_CYCLE = ("update", "add", "update", "replace", "delete", "update", "delete-add", "update")


def _attr(name, operation, values, multivalued=False, per_value=None):
    out = [f'<attr name="{name}" type="string" multivalued="{str(multivalued).lower()}" operation="{operation}">']
    for index, value in enumerate(values):
        op = f' operation="{per_value[index]}"' if per_value else ""
        out.append(f"<value{op}>{escape(value)}</value>")
    out.append("</attr>")
    return "".join(out)


def _dn_attr(name, operation, dns, per_value=None):
    out = [f'<dn-attr name="{name}" multivalued="true" operation="{operation}">']
    for index, dn in enumerate(dns):
        op = f' operation="{per_value[index]}"' if per_value else ""
        out.append(f"<dn-value{op}><dn>{escape(dn)}</dn></dn-value>")
    out.append("</dn-attr>")
    return "".join(out)


def _hologram(tag, dn, index, object_type):
    attrs = [
        _attr("displayName", "add", [f"User {index}"]).replace(' operation="add"', ""),
        _attr("userPrincipalName", "add", [f"user{index}@contoso.com"]).replace(' operation="add"', ""),
        _attr("sourceAnchor", "add", [f"anchor{index:08d}"]).replace(' operation="add"', ""),
        _attr(
            "proxyAddresses", "add", [f"smtp:alias{index}@contoso.com", f"SMTP:user{index}@contoso.com"], True
        ).replace(' operation="add"', ""),
    ]
    return (
        f"<{tag}><entry dn={quoteattr(dn)}><primary-objectclass>{object_type}</primary-objectclass>"
        f"<objectclass><oc-value>{object_type}</oc-value></objectclass>{''.join(attrs)}</entry></{tag}>"
    )


def cs_object(index, operation="update", object_type="user", section="unapplied-export", extra_value=""):
    dn = f"CN={{{index:08X}-0000-0000-0000-000000000000}}"
    body = [f"<anchor>anchor{index:08d}</anchor>", f"<primary-objectclass>{object_type}</primary-objectclass>"]
    if operation != "delete":
        body.append(f"<objectclass><oc-value>{object_type}</oc-value></objectclass>")
        body.append(_dn_attr("manager", "replace", [f"CN=Manager{index % 7},OU=CORP,DC=contoso,DC=com"]))
        body.append(_attr("displayName", "replace", [f"User {index} (changed)"]))
        body.append(
            _attr(
                "proxyAddresses",
                "update",
                [f"smtp:new{index}@contoso.com", f"smtp:old{index}@contoso.com"],
                multivalued=True,
                per_value=["add", "delete"],
            )
        )
        if extra_value:
            body.append(_attr("info", "replace", [extra_value]))
    delta = f"<{section}><delta operation={quoteattr(operation)} dn={quoteattr(dn)}>{''.join(body)}</delta></{section}>"
    return (
        f'<cs-object cs-dn={quoteattr(dn)} id="{{{index:08x}-1111-2222-3333-444444444444}}" '
        f'object-type="{object_type}">{delta}'
        f"{_hologram('unapplied-export-hologram', dn, index, object_type)}"
        f"{_hologram('synchronized-hologram', dn, index, object_type)}</cs-object>"
    )


def document(objects, encoding="utf-8"):
    head = f'<?xml version="1.0" encoding="{encoding.upper() if encoding != "utf-16" else "UTF-16"}"?>\n<cs-objects>\n'
    return head + "\n".join(objects) + "\n</cs-objects>\n"


def write(path, count, start=0, operations=OPERATION_CYCLE):
    """Write `count` objects cycling through `operations`; returns the operation counts."""
    counts = {}
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<cs-objects>\n')
        for index in range(start, start + count):
            operation = operations[index % len(operations)]
            counts[operation] = counts.get(operation, 0) + 1
            object_type = ("user", "user", "group", "contact")[index % 4]
            handle.write(cs_object(index, operation, object_type))
            handle.write("\n")
        handle.write("</cs-objects>\n")
    return counts
