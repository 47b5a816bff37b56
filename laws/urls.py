from django.urls import path

from laws import views

app_name = "laws"

urlpatterns = [
    path("laws/", views.LawIndexView.as_view(), name="index"),
    path("laws/<slug:slug>/", views.LawDetailView.as_view(), name="detail"),
]
