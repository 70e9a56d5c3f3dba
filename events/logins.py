"""What a client locked out by django-axes is told (settings: "Login brute-force protection").

django-axes counts wrong passwords per username and IP address in authenticate(); once
there are AXES_FAILURE_LIMIT of them it refuses that username from that address, right
password or not, for AXES_COOLOFF_TIME. The admin login gets a page saying so (status 429,
via AxesMiddleware and AXES_LOCKOUT_CALLABLE); POST /api/token/ gets the same words as JSON.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from rest_framework import exceptions, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import BaseThrottle

LOCKED_STATUS = status.HTTP_429_TOO_MANY_REQUESTS


def lockout_message(username: str = "") -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    who = f" for {username!r}" if username else ""
    return (
        f"Too many failed login attempts{who} from this address ({settings.AXES_FAILURE_LIMIT} wrong passwords): "
        f"logins for this account from here are refused, even with the right password, for {minutes} minutes "
        "after the last attempt. An administrator can lift the lock earlier."
    )


def client_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the client's address as the API's throttling reads it.

    One rule for both (DRF's, with NUM_PROXIES = TRUSTED_PROXIES): REMOTE_ADDR, or behind
    that many trusted proxies the X-Forwarded-For entry that many from the right.
    """
    return BaseThrottle().get_ident(request)


def locked_out_page(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page instead of django-axes' bare text."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {"username": username, "message": lockout_message(username)}
    return render(request, "registration/locked_out.html", context, status=LOCKED_STATUS)


class LoginLocked(exceptions.APIException):
    status_code = LOCKED_STATUS
    default_code = "login_locked"


class ObtainTokenView(ObtainAuthToken):
    """POST /api/token/: DRF's token view, with a lockout said as a lockout (not "wrong credentials")."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            # django-axes flags the request it was given (DRF's request) when it locks the account.
            if getattr(request, "axes_locked_out", False):
                raise LoginLocked(lockout_message(str(request.data.get("username", "")))) from None
            raise


obtain_auth_token = ObtainTokenView.as_view()
