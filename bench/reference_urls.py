from django.contrib.flatpages import views
from django.urls import path

from qiportal.urls import urlpatterns as portal

urlpatterns = [path("reference/<path:url>", views.flatpage), *portal]
