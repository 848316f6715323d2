"""What every app shares, and which imports no other app (a leaf; tests/test_app_imports.py checks it).

The `Actor` and its `Restrictions`, the one scoping rule (`visible_to`), the application error type,
the REST base classes with the hooks higher apps fill (`api/hooks.py`), the audit log, and plain
modules with no Django import that several apps read: the codec table (`codecs.py`) and MOS from
loss (`quality.py`). Anything that needs `users`, `tenants` or another app belongs to that app.
"""
