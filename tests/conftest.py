"""What every test shares: no network, and for the admin's tests the seed dumps and a curator."""

import io
import ipaddress
import socket

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests.dumps import DUMPS

_connect = socket.socket.connect
_getaddrinfo = socket.getaddrinfo


def _local(address) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket: PostgreSQL's
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NetworkTouched(AssertionError):
    pass


def _guarded_connect(self, address):
    if not _local(address):
        raise NetworkTouched(f"a test tried to reach {address!r}: tests never touch the network")
    return _connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and not _local((name, 0)) and name not in ("", "testserver"):
        raise NetworkTouched(f"a test tried to look up {name!r}: tests never touch the network")
    return _getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Any connection beyond this machine fails the test that makes it (services are stubbed at the
    transport level, with responses)."""
    socket.socket.connect, socket.getaddrinfo = _guarded_connect, _guarded_getaddrinfo
    yield
    socket.socket.connect, socket.getaddrinfo = _connect, _getaddrinfo


@pytest.fixture
def seed():
    """The sample dumps of fixtures/dumps, imported."""
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


@pytest.fixture
def curator(client):
    """A member of the curator group, logged into the admin with the test client."""
    user = User.objects.create_user("cur", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    client.force_login(user)
    return user


@pytest.fixture(params=["postgres", "index"])
def search_engine(request, settings, tmp_path, monkeypatch):
    """Each search test twice: answered by PostgreSQL (no search index built), and by the search index
    (bibliography/search_index.py) holding every change the test's transaction made, taken in just
    before each search on the test's own connection, as the indexer takes committed ones in."""
    if request.param == "index":
        from bibliography import search_index

        settings.SEARCH_INDEX_DIR = str(tmp_path / "search-index")
        asked = search_index.hits

        def current_hits(terms, limit, **options):
            while search_index.take_in():
                pass
            return asked(terms, limit, **options)

        monkeypatch.setattr(search_index, "hits", current_hits)
    return request.param
