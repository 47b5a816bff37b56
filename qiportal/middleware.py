from explainer.scheduling import publish_due


class ScheduledPublishingMiddleware:
    """Before each request, publish whatever was scheduled for a time that has now passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        publish_due()
        return self.get_response(request)
