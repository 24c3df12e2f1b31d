"""Where the platform is and who we are there: the client's configuration."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings


@dataclasses.dataclass(frozen=True)
class OpenPlatformConfig:
    """Where the platform is and who we are there. Defaults come from settings."""

    base_url: str
    authorize_url: str
    token_url: str
    revoke_url: str
    redirect_uri: str
    client_id: str
    client_secret: str = dataclasses.field(repr=False)
    api_key: str = dataclasses.field(repr=False)
    com_id: str
    srv_id: str
    server_ip: str
    read_timeout: float

    @classmethod
    def from_settings(cls, **overrides: Any) -> OpenPlatformConfig:
        """The configuration in settings, with `overrides` on top.

        Overriding `base_url` alone moves the OAuth endpoints with it (to the platform's paths
        under the new base), as the settings' own defaults do.
        """
        base_url = str(overrides.get("base_url", settings.OPENPLATFORM_BASE_URL)).rstrip("/")
        moved = "base_url" in overrides
        values: dict[str, Any] = {
            "base_url": base_url,
            "authorize_url": base_url + "/auth/oauth/v2/authorize"
            if moved
            else settings.OPENPLATFORM_AUTHORIZE_URL,
            "token_url": base_url + "/auth/oauth/v2/token"
            if moved
            else settings.OPENPLATFORM_TOKEN_URL,
            "revoke_url": base_url + "/auth/oauth/v2/token/revoke"
            if moved
            else settings.OPENPLATFORM_REVOKE_URL,
            "redirect_uri": settings.OPENPLATFORM_REDIRECT_URI,
            "client_id": settings.OPENPLATFORM_CLIENT_ID,
            "client_secret": settings.OPENPLATFORM_CLIENT_SECRET,
            "api_key": settings.OPENPLATFORM_API_KEY,
            "com_id": settings.OPENPLATFORM_COM_ID,
            "srv_id": settings.OPENPLATFORM_SRV_ID,
            "server_ip": settings.OPENPLATFORM_SERVER_IP,
            "read_timeout": settings.OPENPLATFORM_READ_TIMEOUT,
        }
        values.update(overrides)
        values["base_url"] = base_url
        return cls(**values)
