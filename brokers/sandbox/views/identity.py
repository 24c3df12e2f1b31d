"""``POST /sandbox/identity/verify``: the identity-verification stand-in over HTTP.

JSON in, ``{"korName", "birthDate", "phone"}`` (a form body works too); JSON out,
``{"ci", "korName", "birthDate", "phone"}`` with the normalised values, or 400
``{"message": ...}`` (Korean) for a triple a provider would refuse.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from brokers.sandbox import identity
from brokers.sandbox.views.responses import gateway_error, platform_json, read_json


@csrf_exempt
def verify(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return gateway_error(405, "Method not allowed")
    if (request.content_type or "").lower() == "application/json":
        try:
            fields = read_json(request)
        except (ValueError, UnicodeDecodeError):
            fields = None
    else:
        fields = request.POST.dict()
    if not isinstance(fields, dict):
        return gateway_error(400, "본문은 JSON 객체여야 합니다.")
    try:
        person = identity.verify(
            str(fields.get("korName", "")),
            str(fields.get("birthDate", "")),
            str(fields.get("phone", "")),
        )
    except identity.IdentityError as error:
        return gateway_error(400, str(error))
    return platform_json(
        {
            "ci": person.ci,
            "korName": person.kor_name,
            "birthDate": person.birth_date.strftime("%Y%m%d"),
            "phone": person.phone,
        }
    )
