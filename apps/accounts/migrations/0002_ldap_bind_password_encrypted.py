"""The LDAP bind password is stored encrypted (secrets_field.py): existing plain values are encrypted."""

from django.db import migrations, models

import apps.accounts.secrets_field
from apps.accounts.secrets_field import secret_decrypt, secret_encrypt


def encrypt_existing(apps, schema_editor):
    config_model = apps.get_model("accounts", "TenantAuthConfig")
    for pk, plain in config_model.objects.exclude(ldap_bind_password="").values_list("pk", "ldap_bind_password"):
        config_model.objects.filter(pk=pk).update(ldap_bind_password=secret_encrypt(plain))


def decrypt_existing(apps, schema_editor):
    config_model = apps.get_model("accounts", "TenantAuthConfig")
    for pk, token in config_model.objects.exclude(ldap_bind_password="").values_list("pk", "ldap_bind_password"):
        config_model.objects.filter(pk=pk).update(ldap_bind_password=secret_decrypt(token)[:255])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        # 1. a column wide enough for the token, still plain text to this migration's models
        migrations.AlterField(
            model_name="tenantauthconfig",
            name="ldap_bind_password",
            field=models.TextField(blank=True, verbose_name="bind password"),
        ),
        # 2. encrypt what is there
        migrations.RunPython(encrypt_existing, decrypt_existing),
        # 3. from now on the field encrypts and decrypts (no schema change)
        migrations.AlterField(
            model_name="tenantauthconfig",
            name="ldap_bind_password",
            field=apps.accounts.secrets_field.EncryptedTextField(
                blank=True, help_text="Stored encrypted with a key derived from SECRET_KEY.", verbose_name="bind password"
            ),
        ),
    ]
