"""What every kind of public page shares: staff see drafts at their public address."""


def is_staff(request):
    return request.user.is_active and request.user.is_staff


class StaffPreviewMixin:
    """
    Public pages show only what is published; staff who are logged in also see drafts and
    scheduled items at their public address, so they can check them before publishing (the
    templates mark them with a banner).
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if is_staff(self.request) else queryset.published()
