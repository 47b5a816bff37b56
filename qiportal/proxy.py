from django.conf import settings


def client_ip(request):
    """
    The client's address. Behind N trusted proxies (DJANGO_PROXY_COUNT), it is the address the
    outermost of them saw: the Nth entry from the right of X-Forwarded-For, which a client cannot
    forge because the proxies append to it. Without proxies, REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
