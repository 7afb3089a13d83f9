"""Query parameters, read strictly: an unknown or doubled one is a 400 that says what to send, and
other APIs' names for ours (OpenAlex's, Semantic Scholar's, Zotero's) are read as ours."""

from rest_framework import exceptions

from bibliography import text

from ..exceptions import BadParameter, unknown_parameter

COMMON_PARAMETERS = {"cursor", "page_size", "fields", "format"}


# What scripts written for OpenAlex, Semantic Scholar or Zotero's web API send, and our name for it.
PARAMETER_ALIASES = {
    "per_page": "page_size",
    "per-page": "page_size",
    "limit": "page_size",
    "sort": "ordering",
    "select": "fields",
    "q": "search",
}
# OpenAlex's `filter=name:value,name:value` names, and ours (a name not here is taken as ours)
FILTER_ALIASES = {
    "publication_year": "year",
    "from_publication_date": "published_after",
    "to_publication_date": "published_before",
    "from_created_date": "created_since",
    "from_updated_date": "updated_since",
    "title.search": "search",
    "default.search": "search",
    "display_name.search": "search",
    "authorships.author.id": "author",
    "concepts.id": "concept",
    "topics.id": "concept",
    "type": "item_type",
    "ids.openalex": "id",
}
# what polite-pool and keyed scripts send on every call, which names no filter here
IGNORED_PARAMETERS = {"mailto", "api_key", "email"}


def _openalex_filters(given: str, known: set[str]) -> list[tuple[str, str]]:
    """OpenAlex's `filter=publication_year:2023,authorships.author.id:A5023888391` as our parameters;
    `publication_year:>2020` and `<2020` are year_min and year_max."""
    found = []
    for part in filter(None, given.split(",")):
        name, colon, value = part.partition(":")
        if not colon or not value:
            raise BadParameter("filter", f"filter {part!r}: give name:value, as OpenAlex's filter= does")
        ours = FILTER_ALIASES.get(name, name)
        if ours == "year" and value[0] in "<>" and (year := text.whole_number(value[1:])) is not None:
            ours, value = ("year_min", str(year + 1)) if value[0] == ">" else ("year_max", str(year - 1))
        if ours not in known:
            raise BadParameter("filter", f"filter {name!r} is no filter here; filters: {', '.join(sorted(known))}")
        found.append((ours, value))
    return found


class StrictQueryMixin:
    """Unknown query parameters are a 400 that suggests the closest known one (`autor` → `author`);
    so is a parameter given twice, which would otherwise mean its last value and nothing else.
    Other APIs' names for ours (`per_page`, `sort`, `select`, `q`, OpenAlex's `filter=`) are read as
    ours; `mailto=` and `api_key=` are let through."""

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.allowed_methods_lower():
            raise exceptions.MethodNotAllowed(request.method)  # whatever its parameters and Accept say
        super().initial(request, *args, **kwargs)
        for name, values in request.query_params.lists():
            if len(values) > 1:
                raise BadParameter(name, f"{name} is given {len(values)} times: give it once")
        known = set(COMMON_PARAMETERS)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        for name in getattr(self, "filterset_fields", None) or []:
            known.add(name)
        known |= set(getattr(self, "extra_query_parameters", ()))
        self._read_aliases(request, known)
        for name in request.query_params:
            if name not in known:
                raise unknown_parameter(name, sorted(known))

    def allowed_methods_lower(self) -> set[str]:
        return {method.lower() for method in self.allowed_methods} | {"options"}

    @staticmethod
    def _read_aliases(request, known: set[str]) -> None:
        aliases = [name for name in request.query_params if name in PARAMETER_ALIASES and name not in known]
        ignored = [name for name in request.query_params if name in IGNORED_PARAMETERS and name not in known]
        openalex = "filter" in request.query_params and "filter" not in known
        # OpenAlex's paging: `page=1` is the first page, as `cursor=*` starts its cursor paging
        page = request.query_params.get("page")
        if page is not None and page.strip() != "1":
            raise BadParameter("page", "pages are not numbered: follow each answer's `next` link (page=1 is the first)")
        first_page = page is not None or request.query_params.get("cursor") == "*"
        if not aliases and not ignored and not openalex and not first_page:
            return
        params = request._request.GET.copy()
        for name in ignored:
            params.pop(name)
        if first_page:
            params.pop("page", None)
            params.pop("cursor", None)
        if openalex:
            for name, value in _openalex_filters(params.pop("filter")[0], known):
                if name in params:
                    raise BadParameter("filter", f"filter gives {name} more than once, or beside ?{name}=")
                params[name] = value
        for alias in aliases:
            ours = PARAMETER_ALIASES[alias]
            if ours not in known:
                raise BadParameter(alias, f"{alias} (here: {ours}) is not a parameter of this resource")
            if ours in params:
                raise BadParameter(alias, f"{alias} is this API's {ours}: give one of them, not both")
            params[ours] = params.pop(alias)[0]
        params._mutable = False
        request._request.GET = params
        request._request.META["QUERY_STRING"] = params.urlencode()  # the next page's link says ours
