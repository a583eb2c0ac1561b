#!/usr/bin/env python3
"""Validates tlsglass output against the session record's JSON Schema.

usage: validate_records.py SCHEMA FILE...

Each FILE is NDJSON as tlsglass writes it (not --pretty output); '-' reads
standard input. Every line must be one UTF-8 JSON object that the schema
(draft 2020-12) accepts, with formats checked. Beyond what a JSON Schema can
say, a line is also refused when it:
  - is not UTF-8, ends in white space, or is empty (the contract: one object
    a line, UTF-8, no trailing spaces);
  - repeats a key inside one object (a JSON parser would silently keep the
    last one, hiding a reporter bug);
  - holds NaN or Infinity (not JSON).
An "ipv6" format is checked as RFC 5952 text (lower case, no leading zeros,
the longest run of two or more zero groups written as "::", the first one on
a tie; dotted IPv4 only after ::ffff: or ::), as the contract asks.

Prints FILE:LINE: PATH: MESSAGE for each problem of each bad line, then
"N records valid, M invalid". Exit status: 0 every line valid, 1 some line
invalid or not JSON, 2 usage error, unreadable file or broken schema.
Works with Debian 12's python3-jsonschema (4.10) and later releases.
"""
import ipaddress
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover - depends on the host
    sys.stderr.write("validate_records.py: needs python3-jsonschema (>= 4.0)\n")
    sys.exit(2)

MAX_MESSAGE = 300  # characters of one error message shown


def rfc5952_canonical(packed):
    """The RFC 5952 section 4 text of a 16-byte address, all hex groups."""
    groups = [packed[i] << 8 | packed[i + 1] for i in range(0, 16, 2)]
    best_start, best_len = -1, 0
    i = 0
    while i < 8:
        if groups[i] != 0:
            i += 1
            continue
        j = i
        while j < 8 and groups[j] == 0:
            j += 1
        if j - i > best_len:  # strictly longer: the first run wins a tie
            best_start, best_len = i, j - i
        i = j
    text = [format(g, "x") for g in groups]
    if best_len < 2:  # "::" never stands for a single zero group
        return ":".join(text)
    return (":".join(text[:best_start]) + "::" +
            ":".join(text[best_start + best_len:]))


def is_rfc5952(text):
    if not isinstance(text, str):
        return True  # formats only constrain strings
    try:
        packed = ipaddress.IPv6Address(text).packed
    except ValueError:
        return False
    if "." not in text:
        return text == rfc5952_canonical(packed)
    # Section 5: dotted IPv4 in the last 32 bits of ::ffff:0:0/96 (and the
    # deprecated ::/96 compatible form inet_ntop also prints that way).
    if packed[:10] != bytes(10) or packed[10:12] not in (b"\xff\xff", b"\0\0"):
        return False
    prefix = "::ffff:" if packed[10:12] == b"\xff\xff" else "::"
    return text == prefix + str(ipaddress.IPv4Address(packed[12:]))


def make_validator(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker()
    checker.checks("ipv6")(is_rfc5952)
    return Draft202012Validator(schema, format_checker=checker)


def no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("duplicate key %r" % key)
        obj[key] = value
    return obj


def no_constants(name):
    raise ValueError("%s is not JSON" % name)


def parse_line(raw):
    """The record of one line (bytes, newline removed), or raises ValueError."""
    if not raw:
        raise ValueError("empty line")
    text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if text != text.rstrip():
        raise ValueError("trailing white space")
    return json.loads(text, object_pairs_hook=no_duplicates,
                      parse_constant=no_constants)


def json_path(parts):
    return "/" + "/".join(str(p) for p in parts) if parts else "(record)"


def shorten(message):
    if len(message) <= MAX_MESSAGE:
        return message
    return message[:MAX_MESSAGE] + "..."


def leaf_errors(error):
    """The innermost errors under an anyOf/oneOf/if failure, for context."""
    if not error.context:
        return [error]
    leaves = []
    for sub in error.context:
        leaves.extend(leaf_errors(sub))
    return leaves


def describe(error):
    lines = ["%s: %s" % (json_path(error.absolute_path), shorten(error.message))]
    if error.context:
        seen = set()
        for leaf in leaf_errors(error):
            line = "    %s: %s" % (json_path(leaf.absolute_path), shorten(leaf.message))
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines


def check_stream(name, stream, validator, out):
    """Validates one NDJSON stream; returns (valid, invalid) line counts."""
    valid = invalid = 0
    for number, raw in enumerate(stream, 1):
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        try:
            record = parse_line(raw)
        except ValueError as e:
            invalid += 1
            out.write("%s:%d: not a JSON record: %s\n" % (name, number, e))
            continue
        errors = sorted(validator.iter_errors(record),
                        key=lambda e: [str(p) for p in e.absolute_path])
        if not errors:
            valid += 1
            continue
        invalid += 1
        for error in errors:
            for line in describe(error):
                out.write("%s:%d: %s\n" % (name, number, line))
    return valid, invalid


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: validate_records.py SCHEMA FILE...  ('-' reads stdin)\n")
        return 2
    try:
        validator = make_validator(argv[1])
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write("validate_records.py: schema %s: %s\n" % (argv[1], e))
        return 2
    valid = invalid = 0
    status = 0
    for name in argv[2:]:
        try:
            if name == "-":
                v, i = check_stream("<stdin>", sys.stdin.buffer, validator, sys.stdout)
            else:
                with open(name, "rb") as f:
                    v, i = check_stream(name, f, validator, sys.stdout)
        except OSError as e:
            sys.stderr.write("validate_records.py: %s: %s\n" % (name, e.strerror or e))
            status = 2
            continue
        valid += v
        invalid += i
    if valid + invalid == 0:
        sys.stderr.write("validate_records.py: no records read\n")
    print("%d records valid, %d invalid" % (valid, invalid))
    if status:
        return status
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
