"""The API's resources, one module per resource. Viewsets declare; the domain's functions (tagging,
merging) do the writing."""
