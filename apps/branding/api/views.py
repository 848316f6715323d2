"""REST /api/v1/branding/: the tenant's own brand, for tenant administrators."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.branding.selectors import branding_get
from apps.branding.services import branding_update
from apps.core.api.views import ActorMixin

from .serializers import BrandingSerializer, BrandingWriteSerializer

EMPTY = {"product_name": "", "share_host": None, "domain": "", "primary_colour": "", "mail_sender": "",
         "mail_footer": "", "support_contact": "", "logo_type": "", "logo_url": None, "favicon_type": "",
         "favicon_url": None, "updated_at": None}  # fmt: skip


class BrandingViewSet(ActorMixin, viewsets.ViewSet):
    admin_only = True
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(responses=BrandingSerializer)
    def retrieve(self, request):
        row = branding_get(actor=self.actor)
        return Response(BrandingSerializer(row).data if row else EMPTY)

    @extend_schema(request=BrandingWriteSerializer, responses=BrandingSerializer)
    def update(self, request):
        body = BrandingWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        logo, favicon = data.pop("logo", None), data.pop("favicon", None)
        row = branding_update(
            actor=self.actor,
            data=data,
            logo=logo.read() if logo else None,
            favicon=favicon.read() if favicon else None,
            clear_logo=data.pop("clear_logo", False),
            clear_favicon=data.pop("clear_favicon", False),
        )
        return Response(BrandingSerializer(row).data)
