from django.urls import path

from minsheng.plans import edit_views as views

app_name = "plans_edit"
urlpatterns = [
    path("<int:plan_id>/edit/", views.plan_edit, name="plan"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item"),
    path("<int:plan_id>/versions/", views.versions, name="versions"),
    path("items/<int:item_id>/history/", views.item_history, name="history"),
]
