"""Convert AT TIME ZONE, SWITCHOFFSET and TODATETIMEOFFSET (Windows zone names → IANA regions).

T-SQL → Oracle::

    o AT TIME ZONE 'W. Europe Standard Time'   → O AT TIME ZONE 'Europe/Berlin'      (o: datetimeoffset)
    d AT TIME ZONE 'W. Europe Standard Time'   → FROM_TZ(D, 'Europe/Berlin')         (d: datetime2)
    dt AT TIME ZONE 'UTC'                      → FROM_TZ(CAST(DT AS TIMESTAMP), 'UTC')  (dt: date)
    SWITCHOFFSET(o, '+05:00')                  → O AT TIME ZONE '+05:00'
    TODATETIMEOFFSET(d, '-02:00')              → FROM_TZ(CAST(D AS TIMESTAMP(7)), '-02:00')
    TODATETIMEOFFSET(d, 120)                   → FROM_TZ(CAST(D AS TIMESTAMP(7)), '+02:00')

T-SQL names zones as Windows does (``sys.time_zone_info``); Oracle takes IANA region names,
so the common Windows names are mapped (the CLDR "001" territory of each); an unknown name
or a zone held in a variable is marked TODO.

``AT TIME ZONE`` on a value **with** an offset converts it to the zone, as Oracle's does. On a
value **without** an offset (datetime, datetime2, smalldatetime, date) T-SQL does not convert:
it attaches the zone to the local time (``FROM_TZ``), while Oracle's ``AT TIME ZONE`` would
read the value in the session time zone and convert it. So the form depends on the type:
unknown type → TODO. Around daylight-saving changes the two differ: T-SQL gives a time in
the spring gap the offset after the change and one in the fall-back overlap the offset before
it; Oracle raises
ORA-01878 in the gap and takes standard time in the overlap: a NOTE says so. ``SWITCHOFFSET``
of a value without offset reads it as UTC first (``FROM_TZ(…, '+00:00')``).
"""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.backend.functions import call, lit, tsql_name
from migrator.backend.nodes import OracleType
from migrator.rulebook import define, transform
from rules.typetext import base_type, type_text

RULE = define("TS0224", "functions.time_zones", "functions", __doc__)

# Windows time zone id -> IANA region (CLDR windowsZones.xml, territory 001), the common ones.
WINDOWS_ZONES = {
    "UTC": "UTC", "COORDINATED UNIVERSAL TIME": "UTC", "GMT STANDARD TIME": "Europe/London",
    "GREENWICH STANDARD TIME": "Atlantic/Reykjavik", "W. EUROPE STANDARD TIME": "Europe/Berlin",
    "CENTRAL EUROPE STANDARD TIME": "Europe/Budapest", "ROMANCE STANDARD TIME": "Europe/Paris",
    "CENTRAL EUROPEAN STANDARD TIME": "Europe/Warsaw", "E. EUROPE STANDARD TIME": "Europe/Chisinau",
    "GTB STANDARD TIME": "Europe/Bucharest", "FLE STANDARD TIME": "Europe/Kiev",
    "RUSSIAN STANDARD TIME": "Europe/Moscow", "TURKEY STANDARD TIME": "Europe/Istanbul",
    "ISRAEL STANDARD TIME": "Asia/Jerusalem", "EGYPT STANDARD TIME": "Africa/Cairo",
    "SOUTH AFRICA STANDARD TIME": "Africa/Johannesburg", "W. CENTRAL AFRICA STANDARD TIME": "Africa/Lagos",
    "E. AFRICA STANDARD TIME": "Africa/Nairobi", "MOROCCO STANDARD TIME": "Africa/Casablanca",
    "ARAB STANDARD TIME": "Asia/Riyadh", "ARABIAN STANDARD TIME": "Asia/Dubai",
    "IRAN STANDARD TIME": "Asia/Tehran", "PAKISTAN STANDARD TIME": "Asia/Karachi",
    "INDIA STANDARD TIME": "Asia/Kolkata", "BANGLADESH STANDARD TIME": "Asia/Dhaka",
    "SE ASIA STANDARD TIME": "Asia/Bangkok", "CHINA STANDARD TIME": "Asia/Shanghai",
    "SINGAPORE STANDARD TIME": "Asia/Singapore", "TAIPEI STANDARD TIME": "Asia/Taipei",
    "TOKYO STANDARD TIME": "Asia/Tokyo", "KOREA STANDARD TIME": "Asia/Seoul",
    "W. AUSTRALIA STANDARD TIME": "Australia/Perth", "CEN. AUSTRALIA STANDARD TIME": "Australia/Adelaide",
    "E. AUSTRALIA STANDARD TIME": "Australia/Brisbane", "AUS EASTERN STANDARD TIME": "Australia/Sydney",
    "NEW ZEALAND STANDARD TIME": "Pacific/Auckland", "HAWAIIAN STANDARD TIME": "Pacific/Honolulu",
    "ALASKAN STANDARD TIME": "America/Anchorage", "PACIFIC STANDARD TIME": "America/Los_Angeles",
    "US MOUNTAIN STANDARD TIME": "America/Phoenix", "MOUNTAIN STANDARD TIME": "America/Denver",
    "CENTRAL STANDARD TIME": "America/Chicago", "CENTRAL STANDARD TIME (MEXICO)": "America/Mexico_City",
    "CANADA CENTRAL STANDARD TIME": "America/Regina", "CENTRAL AMERICA STANDARD TIME": "America/Guatemala",
    "EASTERN STANDARD TIME": "America/New_York", "SA PACIFIC STANDARD TIME": "America/Bogota",
    "ATLANTIC STANDARD TIME": "America/Halifax", "NEWFOUNDLAND STANDARD TIME": "America/St_Johns",
    "VENEZUELA STANDARD TIME": "America/Caracas", "SA WESTERN STANDARD TIME": "America/La_Paz",
    "PACIFIC SA STANDARD TIME": "America/Santiago", "E. SOUTH AMERICA STANDARD TIME": "America/Sao_Paulo",
    "ARGENTINA STANDARD TIME": "America/Argentina/Buenos_Aires", "SA EASTERN STANDARD TIME": "America/Cayenne",
}

_OFFSET_TYPES = {"DATETIMEOFFSET"}
_LOCAL_TIMESTAMP = {"DATETIME", "DATETIME2"}  # Oracle TIMESTAMP(n) already
_LOCAL_DATE = {"DATE", "SMALLDATETIME"}  # Oracle DATE: FROM_TZ needs a TIMESTAMP

_DST = ("; daylight-saving edges differ: a local time in the spring-forward gap raises ORA-01878 in Oracle "
        "(T-SQL applies the offset after the change) and one in the fall-back overlap gets standard time "
        "(T-SQL: the offset before the change)")


def _kind(node: exp.Expression, ctx) -> str | None:
    """'offset' (datetimeoffset), 'timestamp'/'date' (no offset), or None when unknown."""
    base = base_type(type_text(node, ctx))
    if base in _OFFSET_TYPES:
        return "offset"
    if base in _LOCAL_TIMESTAMP:
        return "timestamp"
    if base in _LOCAL_DATE:
        return "date"
    return None


def _as_timestamp(node: exp.Expression, kind: str | None) -> exp.Expression:
    if kind == "timestamp":
        return node
    return exp.Cast(this=node, to=OracleType(this="TIMESTAMP" if kind == "date" else "TIMESTAMP(7)"))


def _zone(node: exp.Expression, ctx, where: exp.Expression) -> exp.Expression:
    if not (isinstance(node, exp.National) or isinstance(node, exp.Literal) and node.is_string):
        ctx.todo(RULE, where, "time zone name computed at run time: Windows zone names must be mapped to "
                              "IANA regions (Oracle) by hand")
    region = WINDOWS_ZONES.get(" ".join(node.name.upper().split()))
    if region is None:
        ctx.todo(RULE, where, f"time zone {node.name!r}: no known IANA region for this Windows zone name")
    return lit(region)


@transform(RULE, exp.AtTimeZone, order="pre")
def at_time_zone(node: exp.AtTimeZone, ctx):
    zone = node.args.get("zone")
    if zone is not None and zone.meta.get("ts0224"):
        return node
    region = _zone(zone, ctx, node)
    region.meta["ts0224"] = True
    kind = _kind(node.this, ctx)
    if kind == "offset":
        node.set("zone", region)
        ctx.fixed(RULE, node, f"AT TIME ZONE {zone.name!r} → {region.name!r}")
        return node
    if kind is None:
        ctx.todo(RULE, node, "AT TIME ZONE on a value of unknown type: T-SQL converts a datetimeoffset "
                             "(Oracle: x AT TIME ZONE 'region') but attaches the zone to a value without offset "
                             "(Oracle: FROM_TZ(CAST(x AS TIMESTAMP), 'region'))")
    ctx.note(RULE, node, f"AT TIME ZONE on a value without offset attaches the zone ({zone.name!r} → "
                         f"{region.name!r}): FROM_TZ, not a conversion" + ("" if region.name == "UTC" else _DST))
    return call("FROM_TZ", _as_timestamp(node.this, kind), region)


def _offset(node: exp.Expression, ctx, where) -> exp.Expression:
    """A T-SQL offset argument ('+05:00' or minutes) as an Oracle offset literal."""
    if isinstance(node, (exp.Literal, exp.National)) and (not isinstance(node, exp.Literal) or node.is_string):
        if re.fullmatch(r"[+-]\d{2}:\d{2}", node.name.strip()):
            return lit(node.name.strip())
    minutes = None
    inner = node.this if isinstance(node, exp.Neg) else node
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.name.isdigit():
        minutes = -int(inner.name) if isinstance(node, exp.Neg) else int(inner.name)
    if minutes is None:
        ctx.todo(RULE, where, "time zone offset computed at run time: write the Oracle offset by hand")
    sign = "-" if minutes < 0 else "+"
    return lit(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")


@transform(RULE, exp.Anonymous, order="pre")
def offset_functions(node: exp.Anonymous, ctx):
    name = tsql_name(node)
    if name not in {"SWITCHOFFSET", "TODATETIMEOFFSET"}:
        return node
    if len(node.expressions) != 2:
        ctx.todo(RULE, node, f"{name} needs two arguments")
    value, off = node.expressions
    offset = _offset(off, ctx, node)
    kind = _kind(value, ctx)
    if name == "TODATETIMEOFFSET":
        return call("FROM_TZ", _as_timestamp(value, "date" if kind == "date" else
                                             "timestamp" if kind == "timestamp" else None), offset)
    if kind is None:
        ctx.todo(RULE, node, "SWITCHOFFSET of a value of unknown type: a datetimeoffset converts "
                             "(x AT TIME ZONE offset), a value without offset is read as UTC first")
    if kind != "offset":
        value = call("FROM_TZ", _as_timestamp(value, kind), lit("+00:00"))
    offset.meta["ts0224"] = True
    return exp.AtTimeZone(this=value, zone=offset)
