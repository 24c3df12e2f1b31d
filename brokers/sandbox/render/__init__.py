"""Response payloads of the sandbox's platform APIs, in the seeds' exact shapes.

Each renderer takes the request envelope (the parsed JSON body the client sent) and the mock
data from ``brokers.sandbox.data``, and returns a dict of dicts/lists/str/``Decimal``/``None``
for ``brokers.sandbox.jsontext.dumps``. Nothing here reads a clock, a database or a setting:
the HTTP layer passes the snapshot for the right date, the paging secret and the broker's
capabilities (``allow_all``, ``allow_qty``, ``max_days``).

Renderers, one module a service family
--------------------------------------
``balance.balance(envelope, snapshot, *, secret, allow_all=True, default_count=20, max_count=100)``
``portfolio.portfolio(envelope, snapshot, *, secret, allow_all=True, allow_qty=True, …)``
``transactions.parse_transaction_query(envelope, *, max_days=None) -> TransactionQuery``
``transactions.transaction(envelope, txns, *, secret, as_of=None, max_days=None, …)``
``interest.interest(envelope, groups)``
``member.member_result(is_member)``, ``member.consent_item(com_id, vt_acc_no, alias)``,
``member.consent_list(items)``
``errors.error_body(code, message, category="op-exco", description="")``
``envelope`` holds what they share: reading the request's sections and echoing its header.

A request the platform would refuse raises ``RequestError`` (``.code``, ``.message``,
``.status``; ``.body()`` is the platform's error body): 3011 malformed request (missing
section, bad date or count), 6001 asset type not supported (including ``ALL`` on a broker
without it), 6002 response type not supported, 6003 invalid page key, 6006 date range exceeded,
6007 invalid ISIN, 6008 invalid side.

Quirks, and exactly where they appear
-------------------------------------
Every one of these is deterministic. "Default account" means any account of the ``default``
persona on any date from its second month on; the seeds are the model for each.

Echoes
  - ``commonHeader.ci`` has exactly one leading space in every response (`` "ci": " S1V7…"``),
    whether or not the request's ``ci`` had one.
  - ``commonHeader.reqIdConsumer`` has one leading space in balance responses only
    (``" ID00002"``); the other services echo it verbatim.
  - ``comId`` in consent-search items has one leading space (``" 00002"``).
  - ``commonHeader.certDn`` is ``""``; ``accInfo.realAccNo`` is ``""``.
  - ``commonHeader.reqIdPlatform`` is an 11-character id derived from the request.
  - ``balanceResponseBody.queryType`` echoes ``assetType``, then ``count`` as a STRING
    (``"count": "0"`` for a request's ``0``), then ``page`` (``"null"`` when the request sent
    ``"null"``, nothing or ``None``). ``portfolioResponseBody.queryType`` does the same with
    ``rspType`` echoed between ``assetType`` and ``count``.
  - ``transactionHistoryResponseBody.queryParams`` echoes ``count`` and ``page`` unchanged
    (a number stays a number: ``"count": 30``, ``"page": ""``). Requests may spell the section
    ``queryParams`` or ``queryPrams`` (the documentation's spelling); the answer always says
    ``queryParams``.

Paging and counts
  - The page-info block is ``queryResult`` (never the documentation's ``queryRequest``).
  - Balance and portfolio counts are doubles: ``"totalCnt": 157.0, "count": 157.0``.
    Transaction counts are integers: ``"count": 30, "totalCnt": 120``.
  - The last page (and every ``ALL`` or ``CASH`` answer) has ``"page": "null"`` — the string.
  - Other pages carry an opaque 22-character key, valid only for the same account, service,
    asset type (or transaction query) and, for balance and portfolio, snapshot date.

Numbers (see ``jsontext``)
  - Balance and portfolio numbers are Java doubles: ``6976542.0``, ``-12.9``, ``0.0`` below
    1e7, scientific from 1e7 up (``9.816358E7``). Every default account holds a bond with a face
    value of 1–3 billion won, so ``balanceList.balance.etcList[BOND].qty`` is ``1.0E9``,
    ``2.0E9`` or ``3.0E9`` and ``summary.valueAtCur`` and ``summary.totalAccVal`` are ≥ 1e9.
  - Transaction numbers are plain below 1e9 (``14399400``) and scientific from 1e9: the
    opening-day bond purchase of every default account has ``changeQty`` ``1.0E9``…``3.0E9``,
    and its opening deposit ``changeAmt`` is ≥ 1e9 (e.g. ``1.12E9``).

Missing values
  - Absent field: ``etcList`` items (balance and portfolio) never have ``isinCode`` (the
    platform does not support it yet), and balance ``etcList`` items have no ``proLoss``.
    Balance ``fundList`` items have ``fundType`` (``"02"``) only for domestic funds; every
    default account holds exactly one overseas fund, whose item has no ``fundType`` key.
  - Absent block: with ``assetType`` ``ALL``, a product family the account does not hold is
    left out (no ``equityList`` key at all for an ``empty`` account, rather than ``[]``);
    portfolio ``cash`` appears only for ``ALL`` and ``CASH``. A transaction page with no rows
    has no ``transList`` key.
  - ``null``: ``balanceList.balance.summary.receivable`` is JSON ``null`` in every balance
    answer.
  - ``"null"``: ``lastDateBuy`` of a fund bought only once is the string ``"null"``; every
    default account's overseas fund is bought once. (Plus the paging ``"null"`` above.)
  - ``""``: balance ``equityList`` items have ``"productType": ""``; broker cash moves
    (``ETC``: interest, dividends, fees) have ``"isinCode": ""`` while deposits and withdrawals
    have ``"CASH"``; the interest group named ``ETF`` has ``"modifyDate": ""``.

Names and field spellings
  - ``fundName`` is cut at 30 cp949 bytes, sometimes mid-bracket (``"…증권자1호("``): up to 19
    characters when the name mixes Latin letters and Korean.
  - Equity and fund items use ``valAtCur``; ``etcList`` items and the summary use ``valueAtCur``.
  - Key order follows the seeds, including ``resp`` before ``portfolioList`` in portfolio
    answers and ``isinCode`` before ``groupName`` in interest groups.

Data, not format
  - Every persona has two identical ``DEP`` rows on the first business day at least 20 days
    after opening (see ``data``).
  - Portfolio ``RAT`` answers give ``cash.amt`` as the cash share of the account in percent
    and item ``qty`` as the weight within the family in percent; ``QTY`` answers give the cash
    amount and real quantities (shares, fund units, face value).
"""
