"""The common APIs (register/search, consent/search): the platform notes' answers."""

from __future__ import annotations

# The platform notes' register/search answers (docs/upstream.md, "The calls we make").
REGISTER_MEMBER_RESPONSE = """{"result": "member"}"""
REGISTER_NON_MEMBER_RESPONSE = """{"result": "nonMember"}"""

# The platform notes' consent/search answer (note " 00002"; docs/upstream.md). The
# literal is split in two for line length only; the joined text is the original.
CONSENT_RESPONSE = (
    """{"vtAccList": [{"comId": " 00002", "vtAccNo": "160657695589800099", """
    """"vtAccAlias": "주식투자용"}]}"""
)
