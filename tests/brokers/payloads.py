"""Example payloads of the open platform, copied verbatim as raw JSON text.

The seed examples are the ground truth for parsing (docs/upstream.md: where a description and
a seed disagree, the seed's example payloads win). They are kept exactly as printed, odd
spacing and float-looking counts included, because those oddities are what the parser has
to survive. Every one of them is valid JSON as printed: nothing was changed.

Sources:
- seeds/000_7e29b89efef9fd7b.txt (kept verbatim in tests/brokers/seeds/): the four account
  services' answers and request bodies.
- the platform notes the project was started from (summarised in docs/upstream.md): the
  common APIs' answers (register/search, consent/search) and the error bodies, which the
  seeds do not print.
"""

from __future__ import annotations

# Seed 000: 자산 포트폴리오 조회 (portfolio/search), the 200 answer.
PORTFOLIO_RESPONSE = """{
"commonHeader":{
"reqIdPlatform":"fs27abe2231",
"reqIdConsumer":"ID000001",
"certDn":"",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"accInfo":{
"realAccNo":"",
"vtAccNo":"160678007213500001"
},
"portfolioResponseBody":{
"queryType":{
"assetType":"ALL",
"rspType":"RAT",
"count":"0",
"page":"null"
},
"queryResult":{
"totalCnt":157.0,
"count":157.0,
"page":"null"
}
},
"resp":{
"respCode":"200",
"respMsg":"OK"
},
"portfolioList":{
"portfolio":{
"cash":{
"amt":6976542.0
},
"equityList":[
{
"assetType":"KSP",
"isinCode":"HK0000050325",
"qty":0.0,
"earningRate":-12.9
},
{
"assetType":"KDQ",
"isinCode":"HK0000054723",
"qty":0.0,
"earningRate":-19.72
},
{
"assetType":"KSP",
"isinCode":"KR7000020008",
"qty":0.0,
"earningRate":10.95
},
{
"assetType":"KSP",
"isinCode":"KR7000270009",
"qty":1.0,
"earningRate":-3.97
},
{
"assetType":"KSP",
"isinCode":"KR7000400002",
"qty":0.0,
"earningRate":-2.68
}
],
"fundList":[
{
"fundCode":"KRZ500395135",
"fundName":"삼성중소형FOCUS증권자1호[주식]",
"qty":46.0,
"earningRate":-9.58,
"maturity":"00000000"
},
{
"fundCode":"KRZ500395136",
"fundName":"삼성중소형FOCUS증권자1호[주식]",
"qty":5.0,
"earningRate":-12.52,
"maturity":"00000000"
},
{
"fundCode":"KRZ501130561",
"fundName":"미래에셋고배당포커스증권자1호(",
"qty":5.0,
"earningRate":-6.32,
"maturity":"00000000"
}
],
"etcList":[
{
"assetType":"BOND",
"assetName":"국민주택1종11-07",
"qty":2.0,
"earningRate":22.73
},
{
"assetType":"BOND",
"assetName":"국고03000-2409(14-5)",
"qty":2.0,
"earningRate":7.68
},
{
"assetType":"BOND",
"assetName":"광주지방채11",
"qty":2.0,
"earningRate":4.53
},
{
"assetType":"DLS",
"assetName":"우리투자증권(DLS)1120",
"qty":14.0,
"earningRate":2.61
},
{
"assetType":"ELS",
"assetName":"NH투자증권(ELB)759",
"qty":5.0,
"earningRate":2.5
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-6",
"qty":0.0,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-14",
"qty":0.0,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-15",
"qty":0.0,
"earningRate":0.86
}
]
}
}
}"""


# Seed 000: 계좌잔고 조회 (balance/search), the 200 answer.
BALANCE_RESPONSE = """{
"commonHeader":{
"reqIdPlatform":"fagbbs22321",
"reqIdConsumer":" ID00002",
"certDn":"",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"accInfo":{
"realAccNo":"",
"vtAccNo":"160678007213500001"
},
"balanceResponseBody":{
"queryType":{
"assetType":"ALL",
"count":"0",
"page":"null"
},
"queryResult":{
"totalCnt":157.0,
"count":157.0,
"page":"null"
}
},
"balanceList":{
"balance":{
"summary":{
"cashBalance":6976542.0,
"d1":6976542.0,
"d2":6976542.0,
"substitute":9.816358E7,
"receivable":0.0,
"subsMargin":762635.0,
"loanCredit":0.0,
"valAtTrade":3.69827563509E11,
"valueAtCur":3.89165300498E11,
"proLoss":1.9337736989E10,
"totalAccVal":3.8917227704E11,
"cashAvWithdraw":6976542.0
},
"equityList":[
{
"assetType":"KSP",
"isinCode":"HK0000050325",
"qty":120.0,
"tradeType":"SUM",
"valAtTrade":281764.0,
"valAtCur":245400.0,
"proLoss":-36364.0,
"earningRate":-12.9
},
{
"assetType":"KDQ",
"isinCode":"HK0000054723",
"qty":1186.0,
"tradeType":"SUM",
"valAtTrade":2326871.0,
"valAtCur":1867950.0,
"proLoss":-458921.0,
"earningRate":-19.72
},
{
"assetType":"KSP",
"isinCode":"KR7000020008",
"qty":19.0,
"tradeType":"SUM",
"valAtTrade":181519.0,
"valAtCur":201400.0,
"proLoss":19881.0,
"earningRate":10.95
},
{
"assetType":"KDQ",
"isinCode":"USU652221081",
"qty":71.0,
"tradeType":"SUM",
"valAtTrade":514957.0,
"valAtCur":501970.0,
"proLoss":-12987.0,
"earningRate":-2.52
}
],
"fundList":[
{
"fundCode":"KRZ500395135",
"fundName":"삼성중소형FOCUS증권자1호[주식]",
"valAtTrade":0.0,
"valAtCur":7.2329965E7,
"proLoss":7.2329965E7,
"firstDateBuy":"20160112",
"lastDateBuy":"20160113",
"maturity":"00000000",
"earningRate":-9.58
},
{
"fundCode":"KRZ500395136",
"fundName":"삼성중소형FOCUS증권자1호[주식]",
"valAtTrade":0.0,
"valAtCur":8747937.0,
"proLoss":8747937.0,
"firstDateBuy":"20150820",
"lastDateBuy":"20150910",
"maturity":"00000000",
"earningRate":-12.52
}, {
"fundCode":"KRZ501831185",
"fundName":"메리츠코리아증권투자신탁1호[주",
"valAtTrade":0.0,
"valAtCur":8416030.0,
"proLoss":8416030.0,
"firstDateBuy":"20150818",
"lastDateBuy":"20150819",
"maturity":"00000000",
"earningRate":-15.83
}
],
"etcList":[
{
"assetType":"BOND",
"assetName":"국민주택1종11-07",
"qty":1.0E10,
"tradeType":"SUM",
"valAtTrade":9.438E9,
"valueAtCur":1.1584E10,
"earningRate":22.73
},
{
"assetType":"BOND",
"assetName":"한국지역난방공사13-1",
"qty":1.0E10,
"tradeType":"SUM",
"valAtTrade":9.992E9,
"valueAtCur":1.0168E10,
"earningRate":1.76
},
{
"assetType":"BOND",
"assetName":"주택금융공사MBS2016-10(1-4)",
"qty":1.0E10,
"tradeType":"SUM",
"valAtTrade":1.0E10,
"valueAtCur":1.0145E10,
"earningRate":1.45
},
{
"assetType":"BOND",
"assetName":"주택금융공사MBS2016-7(1-5)",
"qty":2.0E10,
"tradeType":"SUM",
"valAtTrade":2.0E10,
"valueAtCur":2.0616E10,
"earningRate":3.08
},
{
"assetType":"BOND",
"assetName":"강원도개발공사121",
"qty":1.0E10,
"tradeType":"SUM",
"valAtTrade":1.0E10,
"valueAtCur":1.0024E10,
"earningRate":0.24
},
{
"assetType":"DLS",
"assetName":"우리투자증권(DLS)1120",
"qty":5.4E10,
"tradeType":"SUM",
"valAtTrade":5.4E10,
"valueAtCur":5.54094E10,
"earningRate":2.61
},
{
"assetType":"ELS",
"assetName":"NH투자증권(ELB)759",
"qty":2.0E10,
"tradeType":"SUM",
"valAtTrade":2.0E10,
"valueAtCur":2.05E10,
"earningRate":2.5
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-2",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-6",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-7",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-12",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-14",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
},
{
"assetType":"CP",
"assetName":"루카스 20131227-89-15",
"qty":1.0E9,
"tradeType":"SUM",
"valAtTrade":9.91452055E8,
"valueAtCur":1.0E9,
"earningRate":0.86
}
]
}
},
"resp":{
"respCode":"200",
"respMsg":"OK"
}
}"""


# Seed 000: 거래내역 조회 (transaction/search), the 200 answer.
TRANSACTION_RESPONSE = """{
"commonHeader":{
"reqIdPlatform":"2ddacehgg",
"reqIdConsumer":"ID00003",
"certDn":"",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"accInfo":{
"realAccNo":"",
"vtAccNo":"160731060768600001"
},
"transactionHistoryResponseBody":{
"queryParams":{
"fromDate":"20160101",
"toDate":"20160720",
"isinCode":"",
"side":"",
"count":30,
"page":""
},
"queryResult":{
"count":30,
"page":"201603100000000961",
"totalCnt":120
}
},
"transList":{
"transaction":[
{
"transDate":"20160126",
"transType":"DEP",
"isinCode":"",
"changeAmt":14399400,
"changeQty":0,
"qty":0
},
{
"transDate":"20160126",
"transType":"ASK",
"isinCode":"NC30010",
"changeAmt":-14399400,
"changeQty":0,
"qty":0
},
{
"transDate":"20160202",
"transType":"DEP",
"isinCode":"",
"changeAmt":100,
"changeQty":0,
"qty":0
},
{
"transDate":"20160202",
"transType":"ETC",
"isinCode":"",
"changeAmt":-100,
"changeQty":0,
"qty":0
},
{
"transDate":"20160310",
"transType":"BID",
"isinCode":"NC30010",
"changeAmt":180456840,
"changeQty":0,
"qty":0
},
{
"transDate":"20160310",
"transType":"WID",
"isinCode":"",
"changeAmt":-10000,
"changeQty":0,
"qty":0
},
{
"transDate":"20160310",
"transType":"WID",
"isinCode":"",
"changeAmt":-10500,
"changeQty":0,
"qty":0
}
]
},
"resp":{
"respCode":"200",
"respMsg":"OK"
}
}"""


# Seed 000: 관심종목 조회 (interest/search), the 200 answer.
INTEREST_RESPONSE = """{
"commonHeader":{
"reqIdPlatform":"fs901jjshgs",
"reqIdConsumer":"ID0000020",
"certDn":"",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"accInfo":{
"realAccNo":"",
"vtAccNo":"160731060768600001"
},
"interestSymbolListResponseBody":{
"groupList":{
"group":[
{
"isinCode":[
"KR7122870009",
"KR7028260008",
"KR7001360007",
"KR7011070000",
"KR7017800004"
],
"groupName":"관심종목00",
"modifyDate":""
},
{
"isinCode":[
"KR7176950004",
"KR7143860005",
"KR7138230008",
"KR7205720006"
],
"groupName":"ETF",
"modifyDate":""
}
]
}
},
"resp":{
"respCode":"200",
"respMsg":"OK"
}
}"""


# Seed 000: portfolio/search request body example.
PORTFOLIO_REQUEST = """{
"partner":{
"comId":"F9999",
"srvId":"999"
},
"commonHeader":{
"reqIdPlatform":"",
"reqIdConsumer":"ID000001",
"ci":"S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"devInfo":{
"ipAddr":"123451234500",
"macAddr":"7054D27EE247"
},
"accInfo":{
"vtAccNo":"160678007213500001"
},
"portfolioRequestBody":{
"queryType":{
"assetType":"ALL",
"rspType":"RAT",
"count":0,
"page":"null"
}
}
}"""


# Seed 000: balance/search request body example.
BALANCE_REQUEST = """{
"partner":{
"comId":"F9999",
"srvId":"999"
},
"commonHeader":{
"reqIdPlatform":"",
"reqIdConsumer":"ID00002",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"devInfo":{
"ipAddr":"123451234500",
"macAddr":"7054D27EE247"
},
"accInfo":{
"vtAccNo":"160678007213500001"
},
"balanceRequestBody":{
"queryType":{
"assetType":"ALL",
"count":0,
"page":"null"
}
}
}"""


# Seed 000: transaction/search request body example.
TRANSACTION_REQUEST = """{
"partner":{
"comId":"F9999",
"srvId":"999"
},
"commonHeader":{
"reqIdPlatform":"",
"reqIdConsumer":"ID00003",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"devInfo":{
"ipAddr":"123456789012",
"macAddr":"7054D27EE247"
},
"accInfo":{
"realAccNo":null,
"vtAccNo":"160731060768600001"
},
"transactionHistoryRequestBody":{
"queryParams":{
"fromDate":"20160101",
"toDate":"20160720",
"isinCode":"",
"side":"",
"count":30,
"page":""
}
}
}"""


# Seed 000: interest/search request body example.
INTEREST_REQUEST = """{
"partner":{
"comId":"F9999",
"srvId":"999"
},
"commonHeader":{
"reqIdPlatform":"",
"reqIdConsumer":"ID0000020",
"ci":" S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="
},
"devInfo":{
"ipAddr":"123456789012",
"macAddr":"7054D27EE247"
},
"accInfo":{
"vtAccNo":"160731060768600001"
},
"interestSymbolListRequestBody":{
"queryType":{
"assetType":"",
"rspType":null,
"count":0,
"page":"",
"totalCnt":0
}
}
}"""


# The platform notes' register/search answers (docs/upstream.md, "The calls we make").
REGISTER_MEMBER_RESPONSE = """{"result": "member"}"""
REGISTER_NON_MEMBER_RESPONSE = """{"result": "nonMember"}"""

# The platform notes' consent/search answer (note " 00002"; docs/upstream.md). The
# literal is split in two for line length only; the joined text is the original.
CONSENT_RESPONSE = (
    """{"vtAccList": [{"comId": " 00002", "vtAccNo": "160657695589800099", """
    """"vtAccAlias": "주식투자용"}]}"""
)

# The platform notes' broker-link error body (docs/upstream.md, "Limits and errors"). The
# description is an ellipsis in the original too; the literal is split in two for line length
# only.
ERROR_BODY = (
    """{"category": "op-exco", "code": 9011, "message": "invalid virtual account number.", """
    """"description": "…"}"""
)

# The platform notes' gateway error bodies (docs/upstream.md, "Limits and errors").
RATE_LIMIT_BODY = """{"message": "API rate limit exceeded"}"""
INVALID_CREDENTIALS_BODY = """{"message": "Invalid authentication credentials"}"""
NO_API_KEY_BODY = """{"message": "No API key found in request"}"""
NO_ROUTE_BODY = """{"message": "no Route matched with those values"}"""
