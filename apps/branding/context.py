from .selectors import brand_for_tenant


def brand(request):
    """`brand` on every page: the host's tenant, else the signed-in user's tenant, else the platform's."""
    tenant_id = getattr(request, "brand_tenant_id", None)
    if tenant_id is None:
        tenant_id = getattr(getattr(request, "user", None), "tenant_id", None)
    return {"brand": brand_for_tenant(tenant_id=tenant_id)}
