"""Ordering for every list endpoint (set once in REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]).

Kept apart from views.py: DRF reads the default backends when rest_framework.generics is
imported, so this module must not import the views.
"""

from rest_framework import exceptions, filters


class StableOrderingFilter(filters.OrderingFilter):
    """OrderingFilter that refuses unknown fields (400) and always ends on the primary key.

    The tie-breaker keeps page boundaries stable when the ordering field has ties
    (two events with one title); DRF's OrderingFilter would silently ignore a typo.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            requested = [term.strip() for term in raw.split(",") if term.strip()]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in requested if term.lstrip("-") not in allowed]
            if unknown:
                message = f"Cannot order by {', '.join(unknown)}; use one of {', '.join(sorted(allowed))}."
                raise exceptions.ValidationError({self.ordering_param: [message]})
            ordering = requested
        else:
            ordering = list(self.get_default_ordering(view) or queryset.query.order_by or queryset.model._meta.ordering)
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering.append("pk")
        return ordering
