"""REST /api/v1/shares/: create a link (the token is in this answer only), list own links (tenant
administrators: all of the tenant's), revoke one, read who opened it. /api/v1/share-policy/: the
tenant's share policy (tenant administrators)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.views import ActorMixin
from apps.sharing.links import share_url
from apps.sharing.models import ShareLink
from apps.sharing.selectors import share_link_list, share_open_list, share_policy, share_policy_rules
from apps.sharing.services import ACCESS_FLAGS, share_link_create, share_link_revoke, share_policy_update

from .serializers import ShareCreateSerializer, ShareLinkSerializer, ShareOpenSerializer, SharePolicySerializer


class ShareLinkViewSet(ActorMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    required_flag = "can_cdr"
    serializer_class = ShareLinkSerializer

    def get_queryset(self):
        return share_link_list(actor=self.actor)

    @extend_schema(
        request=ShareCreateSerializer,
        responses={201: ShareLinkSerializer, **dict.fromkeys((400, 403, 404), OpenApiTypes.OBJECT)},
    )
    def create(self, request):
        access = request.data.get("access") if hasattr(request.data, "get") else None
        self.actor.require(ACCESS_FLAGS.get(access or ShareLink.PUBLIC, ACCESS_FLAGS[ShareLink.PUBLIC]))
        body = ShareCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        link, token, password = share_link_create(
            actor=self.actor,
            cdr_id=data["cdr_id"],
            content=data["content"],
            access=data["access"],
            anonymise=data["anonymise"],
            valid_days=data.get("valid_days"),
            password=data.get("password", ""),
            max_opens=data.get("max_opens"),
            interval=data.get("cid_interval"),
            mask_digits=data.get("mask_digits"),
        )
        answer = dict(ShareLinkSerializer(link).data, url=share_url(request, link, token))
        if password:
            answer["password"] = password
        return Response(answer, status=status.HTTP_201_CREATED, headers={"Location": f"{link.pk}/"})

    @extend_schema(request=None, responses=ShareLinkSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return Response(ShareLinkSerializer(share_link_revoke(link=self.get_object())).data)

    @extend_schema(responses=ShareOpenSerializer(many=True))
    @action(detail=True, methods=["get"])
    def opens(self, request, pk=None):
        rows = share_open_list(actor=self.actor, link=self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ShareOpenSerializer(page, many=True).data)


class SharePolicyViewSet(ActorMixin, viewsets.ViewSet):
    """REST /api/v1/share-policy/: the tenant's share policy, for tenant administrators."""

    admin_only = True

    def answer(self, policy):
        rules = [{"source": source, "target": target} for source, target in share_policy_rules(policy)]
        fields = ("max_valid_days", "allow_audio", "mask_digits")
        return Response(dict({field: getattr(policy, field) for field in fields}, anon_rules=rules))

    @extend_schema(responses={200: SharePolicySerializer, 403: OpenApiTypes.OBJECT})
    def retrieve(self, request):
        return self.answer(share_policy(tenant_id=self.actor.tenant_id))

    @extend_schema(
        request=SharePolicySerializer,
        responses={200: SharePolicySerializer, **dict.fromkeys((400, 403), OpenApiTypes.OBJECT)},
    )
    def update(self, request):
        body = SharePolicySerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "anon_rules" in data:
            data["anon_rules"] = [(rule["source"], rule["target"]) for rule in data["anon_rules"]]
        return self.answer(share_policy_update(actor=self.actor, data=data))
