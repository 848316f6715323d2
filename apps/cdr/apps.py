from django.apps import AppConfig


class CdrConfig(AppConfig):
    name = "apps.cdr"
    label = "cdr"
