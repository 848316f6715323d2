from django.urls import path

from . import views_web

app_name = "sharing"

urlpatterns = [
    path("shares/", views_web.share_links_page, name="links"),
    path("shares/<int:pk>/revoke/", views_web.share_link_revoke_view, name="revoke"),
]
