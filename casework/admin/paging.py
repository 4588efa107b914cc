"""Pages of a long case list without counting every row each time.

Django's paginator runs COUNT(*) over the whole filtered list for every
page, which on a million cases costs more than the page itself. Here the
count stops at EXACT_UP_TO: below that it is exact; above it, on PostgreSQL,
the planner's estimate stands in and the list says "about". Pages past the
estimate still open (they are just not linked). A page far down the list is
read by id first (see `page`).
"""

import json

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 10_000
# Pages starting this far down are read by id first (see `page`).
SKIP_BY_ID_FROM = 1_000


class EstimatedCountPaginator(Paginator):
    is_estimate = False
    # The fields a page's rows need, when the list shows only some (a case
    # has two dozen, and a page is read, decoded and built row by row).
    row_fields: tuple[str, ...] = ()

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count()
        capped = queryset.order_by().values("pk")[: EXACT_UP_TO + 1].count()
        if capped <= EXACT_UP_TO:
            return capped
        self.is_estimate = True
        return max(_planner_estimate(queryset), capped)

    def validate_number(self, number):
        self.count  # noqa: B018 (decides whether the count is an estimate)
        if not self.is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        """The page's rows, found in two steps: the ids of the page from the
        ordering index alone (cheap to skip, even 50,000 rows in), then just
        those rows with their related rows. One query would join and read
        every row it skips."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_estimate and top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if bottom < SKIP_BY_ID_FROM:
            # Near the top one query is cheaper: the index walk is short.
            rows = queryset.only(*self.row_fields) if self.row_fields else queryset
            return self._get_page(list(rows[bottom:top]), number, self)
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = queryset.model._base_manager.filter(pk__in=ids).order_by()
        rows.query.select_related = queryset.query.select_related
        if self.row_fields:
            rows = rows.only(*self.row_fields)
        by_pk = {row.pk: row for row in rows}
        return self._get_page([by_pk[pk] for pk in ids if pk in by_pk], number, self)


def _planner_estimate(queryset) -> int:
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
