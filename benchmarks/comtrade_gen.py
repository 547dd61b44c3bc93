"""Generate files in UN Comtrade's CSV layout, for tests and benchmarks.

The real bulk files cannot be downloaded on this machine (no network but the package
registries), so benchmarks/ingest_scale.py and the tests run on files written here: the
37 columns of Comtrade's bulk/API CSV, real economy codes (Comtrade's M49-based list,
including its own 842, 251, 699, 490), HS 2-, 4- and 6-digit codes and TOTAL, annual and
monthly periods, and the flags (isReported, isQtyEstimated …) in realistic proportions.

    python3 benchmarks/comtrade_gen.py 100000 out.csv.gz
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import sys
from pathlib import Path

COLUMNS = ["typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period",
           "reporterCode", "reporterISO", "reporterDesc", "flowCode", "flowDesc",
           "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "classificationCode",
           "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "mosCode", "motCode",
           "qtyUnitCode", "qty", "isQtyEstimated", "altQtyUnitCode", "altQty", "netWgt",
           "isNetWgtEstimated", "grossWgt", "cifvalue", "fobvalue", "primaryValue",
           "legacyEstimationFlag", "isReported", "isAggregate"]

ECONOMIES = {  # Comtrade code → (ISO3, description)
    "156": ("CHN", "China"), "408": ("PRK", "Dem. People's Rep. of Korea"),
    "643": ("RUS", "Russian Federation"), "842": ("USA", "USA"), "392": ("JPN", "Japan"),
    "410": ("KOR", "Rep. of Korea"), "699": ("IND", "India"), "251": ("FRA", "France"),
    "276": ("DEU", "Germany"), "826": ("GBR", "United Kingdom"), "490": ("S19",
    "Other Asia, nes"), "344": ("HKG", "China, Hong Kong SAR"), "496": ("MNG", "Mongolia"),
    "398": ("KAZ", "Kazakhstan"), "704": ("VNM", "Viet Nam"), "764": ("THA", "Thailand"),
    "360": ("IDN", "Indonesia"), "458": ("MYS", "Malaysia"), "036": ("AUS", "Australia"),
    "124": ("CAN", "Canada"), "076": ("BRA", "Brazil"), "484": ("MEX", "Mexico"),
    "792": ("TUR", "Turkey"), "364": ("IRN", "Iran"), "682": ("SAU", "Saudi Arabia"),
    "784": ("ARE", "United Arab Emirates"), "757": ("CHE", "Switzerland"),
    "528": ("NLD", "Netherlands"), "381": ("ITA", "Italy"), "724": ("ESP", "Spain"),
    "0": ("W00", "World"),
}
FLOWS = {"X": "Export", "M": "Import", "RX": "Re-export", "RM": "Re-import"}


def _hs_codes() -> list[tuple[str, str]]:
    codes = [("TOTAL", "All Commodities")]
    for ch in range(1, 98):
        if ch == 77:
            continue
        c = f"{ch:02d}"
        codes.append((c, f"Chapter {c} goods"))
        for h in (1, 2, 3):
            codes.append((f"{c}{h:02d}", f"Heading {c}{h:02d}"))
            codes.append((f"{c}{h:02d}10", f"Subheading {c}{h:02d}10"))
    return codes


HS = _hs_codes()


def row(**kw) -> dict[str, str]:
    """One row with sensible values; keyword arguments override columns. `period` may be
    2025 (annual) or 202501 (monthly); reporter/partner codes fill their ISO and desc."""
    period = str(kw.pop("period", "2025"))
    annual = len(period) == 4
    reporter = str(kw.pop("reporterCode", "156"))
    partner = str(kw.pop("partnerCode", "408"))
    flow = kw.pop("flowCode", "X")
    cmd = kw.pop("cmdCode", "TOTAL")
    value = kw.pop("primaryValue", "1000000")
    r = {
        "typeCode": "C", "freqCode": "A" if annual else "M",
        "refPeriodId": f"{period[:4]}{'01' if annual else period[4:]}01",
        "refYear": period[:4], "refMonth": "52" if annual else str(int(period[4:])),
        "period": period,
        "reporterCode": reporter, "reporterISO": ECONOMIES.get(reporter, ("", ""))[0],
        "reporterDesc": ECONOMIES.get(reporter, ("", reporter))[1],
        "flowCode": flow, "flowDesc": FLOWS.get(flow, flow),
        "partnerCode": partner, "partnerISO": ECONOMIES.get(partner, ("", ""))[0],
        "partnerDesc": ECONOMIES.get(partner, ("", partner))[1],
        "partner2Code": "0", "classificationCode": "H6", "cmdCode": cmd,
        "cmdDesc": dict(HS).get(cmd, f"HS {cmd}"),
        "aggrLevel": "0" if cmd == "TOTAL" else str(len(cmd)),
        "isLeaf": "true" if len(cmd) == 6 else "false",
        "customsCode": "C00", "mosCode": "0", "motCode": "0",
        "qtyUnitCode": "-1" if cmd == "TOTAL" else "8", "qty": "" if cmd == "TOTAL" else "1200",
        "isQtyEstimated": "false", "altQtyUnitCode": "-1", "altQty": "",
        "netWgt": "" if cmd == "TOTAL" else "1200", "isNetWgtEstimated": "false",
        "grossWgt": "", "cifvalue": value if flow in ("M", "RM") else "",
        "fobvalue": value if flow in ("X", "RX") else "", "primaryValue": value,
        "legacyEstimationFlag": "0", "isReported": "true", "isAggregate": "false",
    }
    unknown = set(kw) - set(r)
    if unknown:
        raise KeyError(f"not Comtrade columns: {sorted(unknown)}")
    r.update({k: str(v) for k, v in kw.items()})
    return r


def write(path: Path, rows, columns: list[str] | None = None) -> Path:
    """Write rows (dicts) as a Comtrade CSV (gzip if the name ends in .gz)."""
    path = Path(path)
    columns = columns or COLUMNS
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])
    return path


def generate(n: int, seed: int = 13):
    """n random rows: reporters × partners × years × flows × commodities."""
    rng = random.Random(seed)
    codes = list(ECONOMIES)
    reporters = [c for c in codes if c != "0"]
    years = [str(y) for y in range(2015, 2025)]
    for i in range(n):
        reporter = reporters[i % len(reporters)]
        partner = rng.choice(codes)
        while partner == reporter:
            partner = rng.choice(codes)
        cmd, desc = HS[rng.randrange(len(HS))]
        flow = "X" if rng.random() < 0.5 else "M"
        monthly = rng.random() < 0.2
        period = rng.choice(years) + (f"{rng.randint(1, 12):02d}" if monthly else "")
        value = f"{rng.lognormvariate(13, 2.5):.2f}"
        r = row(period=period, reporterCode=reporter, partnerCode=partner, flowCode=flow,
                cmdCode=cmd, primaryValue=value, cmdDesc=desc)
        if rng.random() < 0.05:
            r["isReported"] = "false"
        if r["qty"] and rng.random() < 0.1:
            r["isQtyEstimated"] = "true"
        if rng.random() < 0.02:
            r["motCode"] = rng.choice(["1000", "2000", "9000"])
        yield r


def write_generated(path: Path, n: int, seed: int = 13) -> Path:
    return write(path, generate(n, seed))


def to_bytes(rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in COLUMNS])
    return buf.getvalue().encode("utf-8")


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    write_generated(out, count)
    print(f"wrote {count:,} rows to {out}")
