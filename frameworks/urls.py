from django.urls import path

from frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
