"""The base viewset's hooks: filled by the apps that own them, and loud when nobody did."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.api import hooks
from apps.tenants.concurrency import api_slot_acquire
from apps.users.actor import actor_for_user, user_refusal


def test_users_and_tenants_fill_the_hooks_at_start_up():
    assert hooks.actor_for_user.function is actor_for_user
    assert hooks.user_refusal.function is user_refusal
    assert hooks.api_slot_acquire.function is api_slot_acquire


def test_an_unfilled_hook_refuses_instead_of_letting_the_request_through():
    hook = hooks.Hook("example", "apps.example")
    with pytest.raises(ImproperlyConfigured, match="apps.example"):
        hook(object())


@pytest.mark.django_db
def test_a_blocked_user_is_refused_with_the_reason(user_a):
    assert user_refusal(user_a) is None
    user_a.blocked, user_a.blocked_reason = True, "unpaid invoice"
    assert "unpaid invoice" in user_refusal(user_a)
