from django.urls import path

from minsheng.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("all/<slug:dataset>.<slug:fmt>", views.download, name="all"),
    path("plans/<int:plan_id>/document.json", views.document, name="document"),
    path("plans/<int:plan_id>/<slug:dataset>.<slug:fmt>", views.download, name="plan"),
]
