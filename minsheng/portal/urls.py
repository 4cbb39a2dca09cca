from django.urls import path

from minsheng.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
]
