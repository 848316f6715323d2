from django.urls import path

from . import license, pcapphp, sqlphp, utilities, views

urlpatterns = [
    path("php/api.php", views.api_php, name="legacy-api"),
    path("api.php", views.api_php_wrong_path, name="legacy-api-wrong-path"),
    path("php/model/sql.php", sqlphp.sql_php, name="legacy-sql"),
    path("php/pcap.php", pcapphp.pcap_php, name="legacy-pcap"),
    path("php/pcap2text.php", pcapphp.pcap2text_php, name="legacy-pcap2text"),
    path("php/model/utilities.php", utilities.utilities_php, name="legacy-utilities"),
    path("php/apilicensecheck.php", license.apilicensecheck_php, name="legacy-license-check"),
    path("admin.php", utilities.admin_php, name="legacy-admin-php"),
]
