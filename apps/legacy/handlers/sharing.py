"""getShareURL (api.php) and shareCdr (utilities.php): legacy keys read here, links made by the
sharing app's services. docs/sharing.md has the rules and the answer shapes."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput
from apps.core.mail import mail_brand, mail_send
from apps.core.values import truthy
from apps.media.access import cdr_ids_parse, seconds_parse
from apps.sharing.links import share_url
from apps.sharing.models import ShareLink
from apps.sharing.services import share_link_create
from apps.tenants.selectors import tenant_of_actor

from ..params import media_options
from ..parsing import loose_field
from ..registry import legacy_task
from .media import call_from

SHARE_KEYS = {"callId", "cdrId", "calldate", "cidInterval", "rtp", "sip_history", "anonIps", "validDays",
              "password", "maxOpens", "maskDigits", "auditReason"}  # fmt: skip
SUBTYPES = {
    "self_protected_link": ShareLink.PROTECTED,
    "self_login_link": ShareLink.LOGIN,
    "share_link": ShareLink.PUBLIC,
}
TYPE2 = {None: ShareLink.SIP, "": ShareLink.SIP, "none": ShareLink.SIP, "null": ShareLink.SIP,
         "rtp": ShareLink.SIP_RTP, "sip_history": ShareLink.SIP_HISTORY}  # fmt: skip


def content_of(options):
    if truthy(options.get("sip_history")):
        return ShareLink.SIP_HISTORY
    return ShareLink.SIP_RTP if truthy(options.get("rtp")) else ShareLink.SIP


@legacy_task("getShareURL", flag="can_cdr_share_voipmonitor_org", wants_request=True)
def get_share_url(*, actor, params, fields, request):
    options = media_options(params, fields, SHARE_KEYS)
    interval = options.get("cidInterval")
    cdr = call_from(actor, options)
    link, token, _password = share_link_create(
        actor=actor,
        cdr_id=cdr.pk,
        content=content_of(options),
        access=ShareLink.PUBLIC,
        anonymise=truthy(options.get("anonIps")),
        valid_days=options.get("validDays"),
        password=params.get("password") or "",  # only from params: the top-level `password` signs the user in
        max_opens=options.get("maxOpens"),
        interval=seconds_parse(interval, name="cidInterval") if interval not in (None, "", 0, "0") else None,
        mask_digits=options.get("maskDigits"),
    )
    return {"url": share_url(request, link, token)}


def share_params(fields):
    """shareCdr's options: inside `params` (JSON) or as top-level fields (`id[]=1&type=...`)."""
    params = loose_field(fields.get("params"), "params") if fields.get("params") not in (None, "") else {}
    if not isinstance(params, dict):
        raise InvalidInput(_("params must be an object."))
    merged = {key: value for key, value in fields.items() if key not in ("params", "task", "SID")}
    merged.update(params)
    return merged


def recipients_of(email_fields):
    """Addresses from emailFields: {"to"|"email"|"emails": "a@b, c@d" or a list}; each one checked."""
    if isinstance(email_fields, str):
        email_fields = (
            loose_field(email_fields, "emailFields") if email_fields.strip().startswith("{") else {"to": email_fields}
        )
    if not isinstance(email_fields, dict):
        raise InvalidInput(_("emailFields must name the recipients (to)."))
    raw = email_fields.get("to") or email_fields.get("email") or email_fields.get("emails") or ""
    values = raw if isinstance(raw, list) else str(raw).replace(";", ",").split(",")
    addresses = [str(value).strip() for value in values if str(value).strip()]
    if not addresses:
        raise InvalidInput(_("emailFields must name at least one recipient (to)."))
    if len(addresses) > 20:
        raise InvalidInput(_("At most 20 recipients per message."))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidInput(_("Not an e-mail address: %(value)s") % {"value": address[:100]}) from None
    return addresses, email_fields


def share_cdr(*, request, actor, fields):
    options = share_params(fields)
    kind = str(options.get("type") or "share_cdr_show")
    if kind not in ("share_cdr_show", "share_cdr_send"):
        raise InvalidInput(_("type must be share_cdr_show or share_cdr_send, not %(value)s.") % {"value": kind[:30]})
    subtype = str(options.get("subType") or "")
    if subtype not in SUBTYPES:
        raise InvalidInput(
            _("subType must be self_protected_link, self_login_link or share_link, not %(value)s.")
            % {"value": subtype[:30] or "-"}
        )
    type2 = options.get("type2")
    if type2 not in TYPE2:
        raise InvalidInput(_("type2 must be rtp, sip_history or empty, not %(value)s.") % {"value": str(type2)[:30]})
    ids = cdr_ids_parse(options.get("id") if options.get("id") not in (None, "") else options.get("id[]"), name="id")
    recipients = recipients_of(options.get("emailFields")) if kind == "share_cdr_send" else None
    actor.require("can_cdr")
    groups = [ids] if truthy(options.get("merge")) else [[cdr_id] for cdr_id in ids]
    made = []
    for group in groups:
        link, token, password = share_link_create(
            actor=actor,
            cdr_id=group[0],
            leg_ids=group[1:],
            content=TYPE2[type2],
            access=SUBTYPES[subtype],
            anonymise=truthy(options.get("anonIps")),
            valid_days=options.get("validDays"),
            max_opens=options.get("maxOpens"),
        )
        made.append((share_url(request, link, token), password))
    links = [url for url, _password in made]
    if recipients is not None:
        addresses, email_fields = recipients
        share_mail(actor=actor, to=addresses, links=made, note=str(email_fields.get("message") or "")[:2000],
                   subject=str(email_fields.get("subject") or "")[:200])  # fmt: skip
        return {}
    answer = {"linkA": links[0] if len(links) == 1 else links}
    passwords = [password for _url, password in made if password]
    if passwords:
        answer["password"] = passwords[0] if len(passwords) == 1 else passwords
    return answer


def share_mail(*, actor, to, links, note, subject):
    tenant = tenant_of_actor(actor=actor)
    lines = [note, ""] if note else []
    product = mail_brand(tenant=tenant).name
    lines.append(_("%(user)s shared a call with you on %(product)s:") % {"user": actor.username, "product": product})
    for url, password in links:
        lines.append(url)
        if password:
            lines.append(_("Password: %(password)s") % {"password": password})
    mail_send(tenant=tenant, to=to, subject=subject or _("A call was shared with you"), text="\n".join(lines))
