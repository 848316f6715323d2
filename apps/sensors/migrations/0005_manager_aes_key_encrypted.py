"""The sniffer manager's AES key is stored encrypted (apps/accounts/secrets_field.py): existing plain
values are encrypted, and decrypted again when the migration is reversed."""

from django.db import migrations, models

import apps.accounts.secrets_field
from apps.accounts.secrets_field import secret_decrypt, secret_encrypt


def encrypt_existing(apps, schema_editor):
    sensor_model = apps.get_model("sensors", "Sensor")
    for pk, plain in sensor_model.objects.exclude(manager_aes_key="").values_list("pk", "manager_aes_key"):
        sensor_model.objects.filter(pk=pk).update(manager_aes_key=secret_encrypt(plain))


def decrypt_existing(apps, schema_editor):
    sensor_model = apps.get_model("sensors", "Sensor")
    for pk, token in sensor_model.objects.exclude(manager_aes_key="").values_list("pk", "manager_aes_key"):
        sensor_model.objects.filter(pk=pk).update(manager_aes_key=secret_decrypt(token)[:255])


class Migration(migrations.Migration):
    dependencies = [
        ("sensors", "0004_manager_aes_iv"),
    ]

    operations = [
        # 1. a column wide enough for the token, still plain text to this migration's models
        migrations.AlterField(
            model_name="sensor",
            name="manager_aes_key",
            field=models.TextField(blank=True, verbose_name="sniffer manager AES key"),
        ),
        # 2. encrypt what is there
        migrations.RunPython(encrypt_existing, decrypt_existing),
        # 3. from now on the field encrypts and decrypts (no schema change)
        migrations.AlterField(
            model_name="sensor",
            name="manager_aes_key",
            field=apps.accounts.secrets_field.EncryptedTextField(
                blank=True,
                help_text="Stored encrypted with a key derived from SECRET_KEY.",
                verbose_name="sniffer manager AES key",
            ),
        ),
    ]
