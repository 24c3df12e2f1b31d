"""Scripted answers for the client's paging tests: balance pages per family, paged by key."""

from __future__ import annotations

from tests.brokers.scripted import Answer

OK = {"respCode": "200", "respMsg": "OK"}


def error_answer(code: int, message: str = "error.", status: int = 500) -> Answer:
    return Answer(status, {"category": "op-exco", "code": code, "message": message})


def equity_item(n: int) -> dict:
    return {
        "assetType": "KSP",
        "isinCode": f"KR7{n:06d}003",
        "qty": 10.0,
        "tradeType": "SUM",
        "valAtTrade": 1000.0,
        "valAtCur": 1100.0,
        "proLoss": 100.0,
        "earningRate": 10.0,
    }


def fund_item(n: int) -> dict:
    return {"fundCode": f"KRZ{n:09d}", "fundName": "펀드", "valAtCur": 5000.0}


def other_item(n: int) -> dict:
    return {"assetType": "BOND", "assetName": f"채권{n}", "qty": 1.0e9, "valueAtCur": 1.0e9}


SUMMARY = {"cashBalance": 6976542.0, "valueAtCur": 3.89165300498e11, "receivable": None}
FAMILY_KEYS = {"EQTY": "equityList", "FUND": "fundList", "ETC": "etcList"}
MAKERS = {"EQTY": equity_item, "FUND": fund_item, "ETC": other_item}


def balance_page(items: dict[str, list[dict]], *, total: int, next_page: str | None) -> dict:
    balance: dict = {"summary": SUMMARY}
    for family, rows in items.items():
        balance[FAMILY_KEYS[family]] = rows
    return {
        "balanceResponseBody": {
            "queryResult": {
                "totalCnt": float(total),
                "count": float(sum(len(r) for r in items.values())),
                "page": next_page or "null",
            }
        },
        "balanceList": {"balance": balance},
        "resp": OK,
    }


class PagedFamilies:
    """Scripted per-type paging: `size` items a page, keys "K<family><offset>"."""

    def __init__(self, counts: dict[str, int], size: int = 3) -> None:
        self.items = {f: [MAKERS[f](i) for i in range(n)] for f, n in counts.items()}
        self.size = size

    def answer(self, asset_type: str, page: str) -> Answer:
        if asset_type == "CASH":
            return Answer(200, balance_page({}, total=0, next_page=None))
        if asset_type == "ALL":
            return Answer(200, balance_page(self.items, total=157, next_page=None))
        rows = self.items.get(asset_type, [])
        offset = 0 if page == "null" else int(page[len("K" + asset_type) :])
        end = offset + self.size
        next_page = f"K{asset_type}{end}" if end < len(rows) else None
        chunk = {asset_type: rows[offset:end]}
        return Answer(200, balance_page(chunk, total=len(rows), next_page=next_page))


def script_families(families: PagedFamilies, spoil=lambda query: None):
    """Answer from `families`, unless `spoil(query)` gives another answer for that request."""

    def script(request) -> Answer:
        query = query_of(request)
        return spoil(query) or families.answer(query["assetType"], query["page"])

    return script


def query_of(request) -> dict:
    body = request.json()
    for name in ("balanceRequestBody", "portfolioRequestBody"):
        if name in body:
            return body[name]["queryType"]
    return body["transactionHistoryRequestBody"]["queryParams"]
