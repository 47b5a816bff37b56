from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="index"),
    path("export.csv", views.CaseCSVView.as_view(), name="export_csv"),
    path("export.json", views.CaseJSONView.as_view(), name="export_json"),
    path("<slug:slug>/", views.CaseDetailView.as_view(), name="detail"),
]
