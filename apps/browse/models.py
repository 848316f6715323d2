"""What the call browser keeps: saved searches, a user's own or shared with the whole tenant."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import TenantOwned


class SavedFilter(TenantOwned):
    """A named search of the call browser: the query string of its URL (filters, sort, columns).

    Kept as the URL's query rather than as parsed filters, so a saved search opens exactly as it was
    and a filter added to the FilterSet later needs no migration. Visible to its owner, and to every
    user of the tenant when `shared`; the search itself still runs with the opener's restrictions."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    query = models.TextField(_("search"), blank=True)
    shared = models.BooleanField(_("shared with the organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="savedfilter_owner_name")]

    def __str__(self):
        return self.name
