"""Sign in and sign out for everyone who is not using the admin (departments, deputies, the public); the
one-time sign-in link and choosing a password."""

from django.urls import path

from minsheng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("password/", views.password, name="password"),
]
