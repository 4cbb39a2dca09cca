"""Sign in and sign out for everyone who is not using the admin (departments, deputies, the public); the
one-time sign-in link and choosing a password; the second factor (verify, enrol) and one's account page."""

from django.urls import path

from minsheng.accounts import views, views_two_factor

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("password/", views.password, name="password"),
    # Everything under verify/ stays open to a session that has not given its second factor yet.
    path("verify/", views_two_factor.verify, name="two_factor"),
    path("verify/enrol/", views_two_factor.enrol, name="two_factor_enrol"),
    path("me/", views_two_factor.account, name="account"),
    path("me/recovery-codes/", views_two_factor.recovery_codes, name="recovery_codes"),
    path("me/two-factor-off/", views_two_factor.two_factor_off, name="two_factor_off"),
]
