"""mail_send delivers over real SMTP in the tenant's brand, with inline images and attachments intact."""

import pytest
from django.conf import settings

from apps.core import mail

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def brand_for_tenant_a(tenant_a):
    def resolver(tenant):
        if tenant.pk == tenant_a.pk:
            return mail.MailBrand(name="Acme Voice", sender="Acme NOC <noc@acme.example>", footer="Acme support")
        return None

    mail.brand_resolver_register(resolver)
    yield
    mail._resolvers.remove(resolver)


def test_mail_send_arrives_over_smtp_with_parts(smtp_inbox, tenant_a):
    sent = mail.mail_send(
        tenant=tenant_a,
        to=["ops@example.net"],
        subject="Daily report",
        text="Body text",
        html='<p>Chart</p><img src="cid:chart1">',
        inline_images=[("chart1", PNG)],
        attachments=[("calls.csv", b"a,b\n1,2\n", "text/csv")],
    )
    assert sent == 1
    [message] = smtp_inbox.wait(1)
    assert message["To"] == "ops@example.net"
    assert message["Subject"] == "Daily report"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["image/png"].get_payload(decode=True) == PNG
    assert parts["image/png"]["Content-ID"] == "<chart1>"
    assert "cid:chart1" in parts["text/html"].get_content()
    # text parts travel with CRLF line ends (RFC 5322); the CSV rows are what was attached
    assert parts["text/csv"].get_payload(decode=True).splitlines() == [b"a,b", b"1,2"]


def test_mail_send_uses_the_tenants_brand_and_not_another_tenants(smtp_inbox, brand_for_tenant_a, tenant_a, tenant_b):
    mail.mail_send(tenant=tenant_a, to=["a@example.net"], subject="s", text="hello")
    mail.mail_send(tenant=tenant_b, to=["b@example.net"], subject="s", text="hello")
    first, second = smtp_inbox.wait(2)
    assert first["From"] == "Acme NOC <noc@acme.example>"
    assert first.get_content().rstrip().endswith("Acme support")
    assert second["From"] == settings.DEFAULT_FROM_EMAIL
    assert "Acme" not in second.as_string()


def test_mail_send_raises_when_the_server_refuses(smtp_inbox, tenant_a):
    import smtplib

    smtp_inbox.fail_next = 1
    with pytest.raises(smtplib.SMTPDataError):
        mail.mail_send(tenant=tenant_a, to=["a@example.net"], subject="s", text="hello")
    assert smtp_inbox.messages == []
