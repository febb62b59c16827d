# Stubs for django.utils.variants (Django 6.2, the series), proposed for
# django-stubs as django-stubs/utils/variants.pyi. Until django-stubs has
# them, put this directory on mypy's path (mypy_path = <repository>/stubs):
# mypy then reads this module from here and the rest of Django from
# django-stubs.
from collections.abc import Callable
from typing import Any, TypeVar, overload

_F = TypeVar("_F", bound=Callable[..., Any])

@overload
def async_variant(method: _F, *, optional: bool = ...) -> _F: ...
@overload
def async_variant(
    method: None = ..., *, optional: bool = ...
) -> Callable[[_F], _F]: ...

# Assigned to a variant's name in a class body, they take the type of the
# base class's method: a class attribute of type Any is compatible with it.
fallback_to_sync_variant: Any
fallback_to_async_variant: Any
