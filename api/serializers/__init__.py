"""How records look over HTTP: compact in lists, complete in details, and what writes accept; one
module per resource, the paper's own JSON being api/representation.py's."""
