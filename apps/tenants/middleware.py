from .concurrency import api_slot_release


class ApiSlotMiddleware:
    """Gives the request's API slot back when the view has answered, whatever happened in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            api_slot_release(request)
