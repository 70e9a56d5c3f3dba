from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a client-chosen page size, bounded so nobody can ask for the whole table."""

    page_size_query_param = "page_size"
    max_page_size = 200
