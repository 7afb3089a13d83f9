"""Papers deleted or merged away since a library version, for a copy kept in step."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bibliography import text
from bibliography.syncing import deleted_since, library_version

from ..exceptions import BadParameter, unknown_parameter
from ..serializers.sync import DeletionsSerializer

DELETIONS_PAGE = 5000
WHOLE = "^[0-9]{1,18}$"


class DeletedView(APIView):
    """Papers deleted or merged away since a library version, for a copy kept in step: ask with the
    `Last-Modified-Version` of the last papers list (`/api/papers/?since=` gives those changed)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", str, required=True, pattern=WHOLE, description="A library version (Last-Modified-Version)."
            ),
            OpenApiParameter("after", str, pattern=WHOLE, description="The `next` page: the last deletion's number."),
        ],
        responses={200: DeletionsSerializer},
    )
    def get(self, request):
        unknown = set(request.query_params) - {"since", "after", "format"}
        if unknown:
            raise unknown_parameter(sorted(unknown)[0], ["since", "after"])
        since = text.whole_number(request.query_params.get("since"))
        after = text.whole_number(request.query_params.get("after") or "0")  # `after=` is no after
        if since is None or after is None:
            raise BadParameter("since", "give since (a library version) and after as whole numbers")
        version = library_version()
        rows = list(deleted_since(since).filter(id__gt=after).order_by("id")[:DELETIONS_PAGE])
        papers = [{"id": row.record_id, "merged_into": row.merged_into, "deletion": row.id} for row in rows]
        more = len(rows) == DELETIONS_PAGE
        next_page = f"{request.build_absolute_uri(request.path)}?since={since}&after={rows[-1].id}" if more else None
        return Response({"papers": papers, "next": next_page}, headers={"Last-Modified-Version": str(version)})
