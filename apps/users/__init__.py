"""Who someone is and what they may do: identity, groups, capability flags and restrictions.

The rule: `users` holds the user record (name, tenant, time zone, blocked state), groups, the
capability flags both carry, and the sensor / number / domain / IP / VLAN / custom-header restrictions;
its selectors find users and its services create and edit them (also for an identity that LDAP, SSO or
the login hook vouched for: `user_external_upsert`). How someone *proves* they are that user (passwords,
sign-in throttling, API tokens, LDAP, SSO, 2FA, the custom login hook) is `apps.accounts`, which
depends on this app and never the other way round: nothing here imports `apps.accounts`.
"""
