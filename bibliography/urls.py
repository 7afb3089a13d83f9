from django.urls import path

from . import views

urlpatterns = [
    path("", views.concept_graph, name="concept-graph"),
    path("concepts/<slug:slug>/", views.concept_papers, name="concept-papers"),
    path("papers/<int:pk>/", views.paper_neighbourhood, name="paper-neighbourhood"),
]
