from django.db import connection


class QueryCountMiddleware:
    """For benchmarks (QIPORTAL_COUNT_QUERIES=1): X-DB-Queries says how many queries a request
    took, without DEBUG."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-DB-Queries"] = str(count)
        return response
