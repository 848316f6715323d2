"""Every e-mail the platform sends (share links, reports, alerts) goes through `mail_send`.

One helper so that each mail carries the tenant's brand (sender, product name, footer) the same way.
`core` is a leaf: the branding app registers a resolver with `brand_resolver_register` in its
AppConfig.ready(); without one, the platform defaults from settings apply. Transport errors are not
swallowed: callers (Celery tasks) record the reason and retry.
"""

from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape


@dataclass(frozen=True)
class MailBrand:
    name: str
    sender: str
    footer: str = ""


_resolvers = []


def brand_resolver_register(resolver):
    """`resolver(tenant)` returns a MailBrand or None (then the next resolver, then the defaults)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def mail_brand(*, tenant):
    for resolver in _resolvers:
        brand = resolver(tenant) if tenant is not None else None
        if brand is not None:
            return brand
    return MailBrand(
        name=settings.VOIPMON_BRAND_NAME, sender=settings.DEFAULT_FROM_EMAIL, footer=settings.VOIPMON_BRAND_MAIL_FOOTER
    )


def mail_build(*, tenant, to, subject, text, html=None, attachments=(), inline_images=(), headers=None):
    """The message, not yet sent. `attachments`: (filename, bytes, mimetype); `inline_images`: (cid, png bytes)
    referenced from the HTML as `<img src="cid:...">`."""
    brand = mail_brand(tenant=tenant)
    footer = f"\n\n-- \n{brand.footer}" if brand.footer else ""
    message = EmailMultiAlternatives(
        subject=subject, body=text + footer, from_email=brand.sender, to=list(to), headers=headers or {}
    )
    if html is not None:
        html_footer = f"<hr><p>{escape(brand.footer)}</p>" if brand.footer else ""
        message.attach_alternative(html + html_footer, "text/html")
    if inline_images:
        message.mixed_subtype = "related"
        for cid, content in inline_images:
            image = MIMEImage(content, "png")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{cid}.png")
            message.attach(image)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def mail_send(*, tenant, to, subject, text, html=None, attachments=(), inline_images=(), headers=None):
    """Send one message to `to` (a list of addresses) in the tenant's brand; returns the number sent (0 or 1)."""
    message = mail_build(
        tenant=tenant,
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        inline_images=inline_images,
        headers=headers,
    )
    return message.send(fail_silently=False)
