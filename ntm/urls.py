app_name = "ntm"

urlpatterns = []
