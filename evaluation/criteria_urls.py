"""/criteria/: OCOP criteria sets, administered in the browser (evaluation/criteria_views.py)."""

from django.urls import path

from evaluation import criteria_views as v

app_name = "criteria"

urlpatterns = [
    path("", v.set_list, name="list"),
    path("new/", v.set_create, name="create"),
    path("template.xlsx", v.blank_template, name="blank_template"),
    path("in-force/", v.in_force, name="in_force"),
    path("<int:pk>/", v.set_detail, name="detail"),
    path("<int:pk>/edit/", v.set_edit, name="edit"),
    path("<int:pk>/delete/", v.set_delete, name="delete"),
    path("<int:pk>/validate/", v.set_validate, name="validate"),
    path("<int:pk>/publish/", v.set_publish, name="publish"),
    path("<int:pk>/template.xlsx", v.set_template, name="template"),
    path("<int:pk>/upload/", v.upload_check, name="upload"),
    path("<int:pk>/upload/save/", v.upload_save, name="upload_save"),
    path("<int:pk>/parts/", v.part_save, name="part_add"),
    path("<int:pk>/parts/<int:item>/", v.part_save, name="part_edit"),
    path("<int:pk>/parts/<int:item>/delete/", v.part_delete, name="part_delete"),
    path("<int:pk>/sections/", v.section_save, name="section_add"),
    path("<int:pk>/sections/<int:item>/", v.section_save, name="section_edit"),
    path("<int:pk>/sections/<int:item>/delete/", v.section_delete, name="section_delete"),
    path("<int:pk>/sheets/", v.scope_save, name="sheet_add"),
    path("<int:pk>/sheets/<int:item>/", v.sheet_detail, name="sheet"),
    path("<int:pk>/sheets/<int:item>/edit/", v.scope_save, name="sheet_edit"),
    path("<int:pk>/sheets/<int:item>/delete/", v.scope_delete, name="sheet_delete"),
    path("<int:pk>/sheets/<int:item>/preview/", v.sheet_preview, name="sheet_preview"),
    path("<int:pk>/sheets/<int:scope>/criteria/", v.criterion_save, name="criterion_add"),
    path("<int:pk>/criteria/<int:item>/", v.criterion_save, name="criterion_edit"),
    path("<int:pk>/criteria/<int:item>/delete/", v.criterion_delete, name="criterion_delete"),
    path("<int:pk>/criteria/<int:criterion>/options/", v.option_save, name="option_add"),
    path("<int:pk>/options/<int:item>/", v.option_save, name="option_edit"),
    path("<int:pk>/options/<int:item>/delete/", v.option_delete, name="option_delete"),
]
