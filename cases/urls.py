from django.urls import path

from cases import feeds, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="index"),
    path("cases/export.csv", views.CaseCSVView.as_view(), name="export_csv"),
    path("cases/export.json", views.CaseJSONView.as_view(), name="export_json"),
    path("cases/<slug:slug>/", views.CaseDetailView.as_view(), name="detail"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("feeds/cases/", feeds.LatestCasesFeed(), name="feed"),
]
