"""The Content-Security-Policy header, which Django 5.2 does not send by itself (docs/decisions.md).

Every page voipmon serves uses its own files only: the sign-in and profile pages (inline styles, no
script), the admin, and Swagger UI from drf-spectacular-sidecar with its script served as a file (no
CDN, no inline script). So one policy fits all: nothing from another origin, no inline script, no
framing (`frame-ancestors`, beside X-Frame-Options), forms post only here. A view that sets its own
policy keeps it.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.VOIPMON_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
