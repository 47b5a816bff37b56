from django.urls import path

from explainer import views

app_name = "explainer"

urlpatterns = [
    path("", views.ExplainerView.as_view(), name="index"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("faq/", views.FAQView.as_view(), name="faq"),
]
