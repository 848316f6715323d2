"""Routers: each app routes its own viewsets; the project's API root lists them all.

Every app with an API has `api/urls.py` with a module-level `router = AppRouter()`; the project's
`voipmon/api_router.py` only includes those modules and adds the root page built from their routers,
so adding an endpoint touches its own app alone.
"""

from importlib import import_module

from django.urls import path
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns


class AppRouter(DefaultRouter):
    """One app's routes, with the `.json`-style format suffixes of DRF's DefaultRouter, but no root page."""

    include_root_view = False


def api_root_urls(url_modules):
    """`GET /api/v1/` (and its format suffix): the list of every app's routes, in the order given."""
    root = DefaultRouter()
    for module in url_modules:
        root.registry.extend(import_module(module).router.registry)
    return format_suffix_patterns([path("", root.get_api_root_view(), name=root.root_view_name)])
