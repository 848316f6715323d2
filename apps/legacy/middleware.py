from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix


class ScriptPrefixMiddleware:
    """Serving under a sub-path (VOIPMON_SCRIPT_NAME, e.g. `/demo`): accept `/demo/php/api.php` whether
    or not the front server strips the prefix (gunicorn does when told SCRIPT_NAME; others do not), and
    make reverse() write the prefix into links and redirects whatever the server told Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = (settings.FORCE_SCRIPT_NAME or "").rstrip("/")
        if not prefix:
            return self.get_response(request)
        if request.path_info == prefix or request.path_info.startswith(prefix + "/"):
            request.path_info = request.path_info[len(prefix) :] or "/"
            request.path = prefix + request.path_info
        previous = get_script_prefix()
        set_script_prefix(prefix + "/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)
