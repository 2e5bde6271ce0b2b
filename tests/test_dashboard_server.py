"""The dashboard's server side without a server: the v1 frame check, the handshake's protocol list,
the template folder and how Voila is told to use them. (tests/test_dashboard_hardening.py attacks a
running server.)"""

import json
import os
import re
import time

import pytest
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets.utils.importstring import import_item

from course_lib import dashboard_server as server


def frame(channel="shell", buffers=()):
    parts = [json.dumps(part).encode() for part in ({"msg_type": "comm_msg"}, {}, {}, {"comm_id": "x"})]
    return serialize_msg_to_ws_v1([*parts, *buffers], channel)


def test_a_browser_frame_passes_the_check():
    assert server.v1_frame_problem(frame()) is None
    assert server.v1_frame_problem(frame("control", buffers=[b"\x89PNG" * 100, b""])) is None
    assert server.v1_frame_problem(frame("stdin")) is None


def with_count(data: bytes, count: int) -> bytes:
    return count.to_bytes(8, "little") + data[8:]


@pytest.mark.parametrize(("forged", "says"), [
    ("{}", "binary frame"),
    (b"\x06\x00", "too short"),
    (with_count(frame(), 2**60), "announces 1152921504606846976 offsets"),
    (with_count(frame(), 5), "announces 5 offsets"),
    (with_count(frame(), server.MAX_FRAME_PARTS + 1), "a kernel message has 6 to"),
    ((200).to_bytes(8, "little") + b"\0" * 100, "but is only 108 bytes long"),
    (frame()[:-5], "do not point inside it"),
    (frame()[:16] + (10**6).to_bytes(8, "little") + frame()[24:], "do not point inside it"),
    (frame("iopub"), "channel must be one of shell, control, stdin; got b'iopub'"),
    (frame("sh\xe9ll"), "channel must be one of"),
])
def test_forged_frames_are_named_and_never_read_further(forged, says):
    started = time.perf_counter()
    problem = server.v1_frame_problem(forged)
    assert problem is not None and says in problem
    assert time.perf_counter() - started < 0.05  # bounded work, whatever the frame announces


def test_the_offsets_must_not_go_backwards():
    data = bytearray(frame())
    count = int.from_bytes(data[:8], "little")
    third, fourth = 8 * 3, 8 * 4
    data[third:fourth], data[fourth:fourth + 8] = data[fourth:fourth + 8], data[third:fourth]
    assert count >= 4 and "in order" in server.v1_frame_problem(bytes(data))


def test_the_handshake_offers_are_read_like_tornado_reads_them():
    assert server.offered_protocols(None) == []
    assert server.offered_protocols("") == []
    assert server.offered_protocols(f"foo, {server.V1_PROTOCOL} ,bar") == ["foo", server.V1_PROTOCOL, "bar"]


def test_voila_is_told_to_use_the_checked_connection_and_the_template():
    option, value = server.CONNECTION_OPTION.split("=")
    assert option == "--Voila.kernel_websocket_connection_class"
    connection = import_item(value)
    assert connection is server.V1KernelConnection and issubclass(connection, ZMQChannelsWebsocketConnection)
    folder = server.TEMPLATE_ROOT / "voila" / "templates" / server.TEMPLATE_NAME
    assert json.loads((folder / "conf.json").read_text()) == {"base_template": "lab"}
    template = (folder / "index.html.j2").read_text()
    assert "extends 'voila/templates/lab/index.html.j2'" in template and "super.super()" in template
    for part in folder.glob("*.j2"):  # outside Jinja comments (which may name what is dropped), no address
        code = re.sub(r"\{#.*?#\}", "", part.read_text(), flags=re.S)
        assert not re.findall(r"https?://|//[\w-]+\.[\w.-]+/", code) and "cdn" not in code.lower(), part.name


def test_the_template_folder_goes_first_on_jupyter_path():
    assert server.template_environment({})["JUPYTER_PATH"] == str(server.TEMPLATE_ROOT)
    environment = server.template_environment({"JUPYTER_PATH": "/elsewhere", "HOME": "/home/x"})
    assert environment["JUPYTER_PATH"].split(os.pathsep) == [str(server.TEMPLATE_ROOT), "/elsewhere"]
    assert environment["HOME"] == "/home/x"
