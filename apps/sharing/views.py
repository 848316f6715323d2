"""The share page and its files (/s/<token>/...): no account needed, except for login links.

Order of checks on every request: the token (unknown: 404), the host (another tenant's share host or
domain: 404), the link's state (revoked or expired: 410 at once; exhausted: 410 unless this browser
already opened it), the kind of access (password form, or a signed-in user of the tenant who can see
the call), then the open is counted once per browser session.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.cdr.selectors import cdr_get
from apps.core.exceptions import AppError, NotFound, TooManyRequests
from apps.core.pages import page_view
from apps.media.access import MediaUnavailable
from apps.media.callaudit import audited_call_get
from apps.media.http import media_response
from apps.users.actor import actor_for_user

from .content import SharedCall
from .links import share_url
from .models import ShareLink
from .selectors import share_link_by_token, share_policy
from .services import share_link_create, share_link_open, share_link_state, share_password_check

OPENED = "share-opened-{}"
UNLOCKED = "share-unlocked-{}"


def client_address(request):
    return request.META.get("REMOTE_ADDR") or None


def _gone_page(request, link, gone):
    return render(request, "sharing/gone.html", {"reason": gone.code, "message": gone.message}, status=410)


def _missing_page(request, message=None):
    return render(
        request, "sharing/missing.html", {"message": message or _("This share link does not exist.")}, status=404
    )


def share_access(request, token):
    """(link, None) when the request may see the link, else (link or None, response to send)."""
    try:
        link = share_link_by_token(token=token)
    except NotFound:
        return None, _missing_page(request)
    host_tenant = getattr(request, "brand_tenant_id", None)
    if host_tenant is not None and host_tenant != link.tenant_id:
        return None, _missing_page(request)  # never on another tenant's host: the same answer as unknown
    request.brand_tenant_id = link.tenant_id  # the page wears the link's tenant's brand
    opened = bool(request.session.get(OPENED.format(link.pk)))
    gone = share_link_state(link)
    if gone is not None and not (gone.code == "exhausted" and opened):
        return link, _gone_page(request, link, gone)
    if link.access == ShareLink.LOGIN:
        user = request.user
        if not user.is_authenticated:
            return link, redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        if user.tenant_id != link.tenant_id:
            return link, _missing_page(request)
        try:
            cdr_get(actor=actor_for_user(user), cdr_id=link.cdr_id)
        except AppError:  # cannot see the call (restrictions, no can_cdr): as if the link did not exist
            return link, _missing_page(request)
    elif link.password_hash and not request.session.get(UNLOCKED.format(link.pk)):
        return link, password_page(request, link)
    if not opened:
        try:
            share_link_open(
                link=link,
                address=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                user_id=request.user.pk if request.user.is_authenticated else None,
            )
        except AppError as exc:
            return link, _gone_page(request, link, exc)
        request.session[OPENED.format(link.pk)] = True
    return link, None


def password_page(request, link):
    error, status = "", 401
    if request.method == "POST":
        try:
            right = share_password_check(
                link=link, password=request.POST.get("password"), address=client_address(request)
            )
        except TooManyRequests as exc:
            error, status = exc.message, 429
        else:
            if right:
                request.session[UNLOCKED.format(link.pk)] = True
                return redirect(request.path)
            error = _("Wrong password.")
    return render(request, "sharing/password.html", {"error": error}, status=status)


@transaction.non_atomic_requests  # a guessed token never touches the database; opens are atomic themselves
@require_http_methods(["GET", "POST"])
def share_page(request, token):
    link, refused = share_access(request, token)
    if refused is not None:
        return refused
    try:
        call = SharedCall(link)
        figures = call.figures()
    except AppError as exc:  # the call was deleted since the link was made
        return _missing_page(request, exc.message)
    policy = share_policy(tenant_id=link.tenant_id)
    context = {
        "link": link,
        "call": figures,
        "history": _history(call),
        "audio": link.allow_audio and policy.allow_audio,
        "pcap": link.allow_pcap,
        "base": request.path.rstrip("/"),
    }
    return render(request, "sharing/page.html", context)


def _history(call):
    try:
        return call.history_rows()
    except AppError:  # the call's SIP capture is not on the server: the page shows the figures alone
        return []


def _file(request, token, build):
    link, refused = share_access(request, token)
    if refused is not None:
        return refused
    try:
        return media_response(build(SharedCall(link), link))
    except MediaUnavailable as exc:
        return render(request, "sharing/missing.html", {"message": exc.message}, status=422)
    except AppError as exc:
        return render(request, "sharing/missing.html", {"message": exc.message}, status=exc.status)


def _need(allowed):
    if not allowed:
        raise Http404(_("This link does not share that."))


@transaction.non_atomic_requests
def share_pcap(request, token):
    def build(call, link):
        _need(link.allow_pcap)
        return call.pcap()

    return _file(request, token, build)


@transaction.non_atomic_requests
def share_audio(request, token):
    def build(call, link):
        _need(link.allow_audio and share_policy(tenant_id=link.tenant_id).allow_audio)
        return call.audio(inline=request.GET.get("download") != "1")

    return _file(request, token, build)


@transaction.non_atomic_requests
def share_waveform(request, token):
    def build(call, link):
        _need(link.allow_audio and share_policy(tenant_id=link.tenant_id).allow_audio)
        return call.waveform(side="R" if request.GET.get("side") == "R" else "L")

    return _file(request, token, build)


@transaction.non_atomic_requests
def share_ladder(request, token):
    return _file(request, token, lambda call, link: call.ladder())


@require_http_methods(["POST"])
@page_view()
def call_share_create(request, actor, pk):
    """The call page's share button: a link made by the sharing service with the person's own rights.

    Answers the fragment that shows the address (and a generated password) once; without htmx, a page."""
    audited_call_get(request, actor, pk)  # visible, and the tenant's audit reason given
    form = request.POST
    access = form.get("access") or ShareLink.PUBLIC
    link, token, password = share_link_create(
        actor=actor,
        cdr_id=pk,
        content=form.get("content") or ShareLink.SIP,
        access=access,
        anonymise=form.get("anonymise") == "on",
        valid_days=form.get("valid_days") or None,
        password=form.get("password") or "",
    )
    context = {"link": link, "url": share_url(request, link, token), "password": password, "call_id": pk}
    template = "sharing/_call_share.html" if request.headers.get("HX-Request") else "sharing/call_share.html"
    return render(request, template, context, status=201)
