"""The interest service (interest/search): the seed's answer and request body."""

from __future__ import annotations

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
