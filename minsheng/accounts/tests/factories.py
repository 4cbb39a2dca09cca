import factory

from minsheng.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.PUBLIC
    password = factory.django.Password("pw-for-tests")


class OfficeUserFactory(UserFactory):
    role = User.Role.OFFICE
    is_staff = True
