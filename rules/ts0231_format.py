"""Convert FORMAT with common .NET format strings to TO_CHAR.

T-SQL → Oracle::

    FORMAT(d, 'yyyy-MM-dd')          → TO_CHAR(d, 'YYYY-MM-DD')
    FORMAT(d, 'dd/MM/yyyy HH:mm:ss') → TO_CHAR(d, 'DD/MM/YYYY HH24:MI:SS')
    FORMAT(d, 'MMMM d, yyyy')        → TO_CHAR(d, 'FMMonthFM FMDDFM, YYYY', 'NLS_DATE_LANGUAGE=ENGLISH')
    FORMAT(d, 'hh:mm tt')            → TO_CHAR(d, 'HH12:MI AM', 'NLS_DATE_LANGUAGE=ENGLISH')
    FORMAT(n, 'N2')                  → TO_CHAR(n, 'FM999,999,999,999,999,999,990.00')
    FORMAT(n, 'F1')                  → TO_CHAR(n, 'FM999999999999999999990.0')
    FORMAT(n, '#,##0.00')            → as N2;   FORMAT(n, '0.00') → as F2
    FORMAT(n, '00000')               → TO_CHAR(n, 'FM9999999999999900000')

Date patterns: ``yyyy yy MMMM MMM MM M dddd ddd dd d HH H hh h mm m ss s fff ff f tt``
(a one-character format is a .NET standard format: ``d``, ``D``, ``t``, ``T``, ``g``, ``G``,
``s`` in their en-US patterns),
separators ``- / : . , space``, ``T`` and quoted text. Element without leading zero
(``d``, ``M``, ``H`` ...) use Oracle's fill mode switched on and off around the element
(``FMDDFM``). Names and AM/PM are English and separators are the en-US ones (``,`` and ``.``
print as themselves in an Oracle number format), as FORMAT under the us_english language;
SQL Server follows the session language, so a NOTE says so where it shows (names, group
separators). A culture argument other than en-US, currency and
percent formats, and anything else are marked TODO. Fractions (``fff``) need a TIMESTAMP:
the value is cast.
"""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.backend.functions import call, lit
from migrator.backend.nodes import OracleType
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform
from migrator.typing import DATE, NUMERIC, infer

RULE = define("TS0231", "functions.format", "functions", __doc__)

_DATE_TOKENS = {
    "yyyy": "YYYY", "yy": "YY", "MMMM": "FMMonthFM", "MMM": "Mon", "MM": "MM", "M": "FMMMFM",
    "dddd": "FMDayFM", "ddd": "Dy", "dd": "DD", "d": "FMDDFM", "HH": "HH24", "H": "FMHH24FM", "hh": "HH12",
    "h": "FMHH12FM", "mm": "MI", "m": "FMMIFM", "ss": "SS", "s": "FMSSFM", "fff": "FF3", "ff": "FF2", "f": "FF1",
    "tt": "AM",
}
_ENGLISH = {"Mon", "FMMonthFM", "FMDayFM", "Dy", "AM"}


# one-character formats are .NET standard formats (en-US patterns)
_STANDARD = {"d": "M/d/yyyy", "D": "dddd, MMMM d, yyyy", "t": "h:mm tt", "T": "h:mm:ss tt",
             "g": "M/d/yyyy h:mm tt", "G": "M/d/yyyy h:mm:ss tt", "s": "yyyy-MM-ddTHH:mm:ss"}


def _date_format(fmt: str) -> str | None:
    """A .NET custom date format as an Oracle datetime format, or None."""
    if len(fmt) == 1:
        if fmt not in _STANDARD:
            return None
        fmt = _STANDARD[fmt]
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in "yMdHhmsft":
            j = i
            while j < len(fmt) and fmt[j] == ch:
                j += 1
            token = fmt[i:j]
            if token not in _DATE_TOKENS or (ch == "t" and token != "tt"):
                return None
            out.append(_DATE_TOKENS[token])
            i = j
        elif ch in "-/:., ":
            out.append(ch)
            i += 1
        elif ch == "T":
            out.append('"T"')
            i += 1
        elif ch in "'\"":
            j = fmt.find(ch, i + 1)
            if j < 0 or '"' in fmt[i + 1:j]:
                return None
            out.append(f'"{fmt[i + 1:j]}"')
            i = j + 1
        else:
            return None
    return "".join(out)


def _number_format(fmt: str) -> str | None:
    """A .NET standard (N, F) or simple custom numeric format as an Oracle number format."""
    m = re.fullmatch(r"([NnFf])(\d{0,2})", fmt)
    if m:
        decimals = int(m.group(2)) if m.group(2) else 2
        grouped = m.group(1) in "Nn"
    else:
        m = re.fullmatch(r"(#,##)?0(?:\.(0+))?", fmt)
        if m:
            grouped, decimals = bool(m.group(1)), len(m.group(2) or "")
        elif re.fullmatch(r"0{2,18}", fmt):
            return "FM" + "9" * (20 - len(fmt)) + fmt
        else:
            return None
    whole = "999,999,999,999,999,999,990" if grouped else "999999999999999999990"
    return "FM" + whole + ("." + "0" * decimals if decimals else "")


@transform(RULE, TsqlCall, order="pre")
def format_(node: TsqlCall, ctx):
    if node.name != "FORMAT":
        return node
    args = list(node.expressions)
    if len(args) not in (2, 3):
        ctx.todo(RULE, node, "FORMAT needs two or three arguments")
    value, fmt = args[0], args[1]
    if len(args) == 3 and not (isinstance(args[2], (exp.Literal, exp.National)) and args[2].name.lower() == "en-us"):
        ctx.todo(RULE, node, "FORMAT with a culture other than en-US: names and separators differ; write the "
                             "TO_CHAR with the NLS parameters of that language by hand")
    if not (isinstance(fmt, exp.National) or isinstance(fmt, exp.Literal) and fmt.is_string):
        ctx.todo(RULE, node, "FORMAT with a computed format string")
    family = infer(value, ctx)
    number = _number_format(fmt.name) if family != DATE else None
    if number is not None and family in (NUMERIC | {None}):
        if "," in number or "." in number:
            ctx.note(RULE, node, f"FORMAT(x, '{fmt.name}') follows the session language in SQL Server; the Oracle "
                                 "format fixes the en-US separators (1,234.50)")
        else:
            ctx.fixed(RULE, node, f"FORMAT(n, '{fmt.name}') → TO_CHAR with an en-US number format")
        return call("TO_CHAR", value, lit(number))
    date = _date_format(fmt.name) if family in (DATE, None) else None
    if date is None:
        ctx.todo(RULE, node, f"FORMAT(..., '{fmt.name}'): this .NET format has no TO_CHAR translation here; "
                             "write the TO_CHAR format by hand")
    if "FF" in date:
        value = exp.Cast(this=value, to=OracleType(this="TIMESTAMP"))
        value.meta["ts0230"] = True
    extra = [lit("NLS_DATE_LANGUAGE=ENGLISH")] if any(t in date for t in _ENGLISH) else []
    if extra:
        ctx.note(RULE, node, f"FORMAT(d, '{fmt.name}') names months/days and AM/PM in the session language in "
                             "SQL Server; the Oracle format fixes English (NLS_DATE_LANGUAGE=ENGLISH)")
    else:
        ctx.fixed(RULE, node, f"FORMAT(d, '{fmt.name}') → TO_CHAR(d, '{date}')")
    return call("TO_CHAR", value, lit(date), *extra)
