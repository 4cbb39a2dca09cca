from django.urls import path

from minsheng.printing import views

app_name = "printing"
urlpatterns = [
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("plans/<int:plan_id>/bulletin/", views.bulletin_issue, name="bulletin_issue"),
    path("plans/<int:plan_id>/posters.pdf", views.plan_posters, name="plan_posters"),
    path("items/<int:item_id>/poster.pdf", views.item_poster, name="item_poster"),
]
