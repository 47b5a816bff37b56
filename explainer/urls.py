from django.urls import path

from explainer import views
from qiportal.feeds import UpdatesFeed

app_name = "explainer"

urlpatterns = [
    path("", views.ExplainerView.as_view(), name="index"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("faq/", views.FAQView.as_view(), name="faq"),
    path("glossary/", views.GlossaryView.as_view(), name="glossary"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/updates/", UpdatesFeed(), name="updates_feed"),
]
