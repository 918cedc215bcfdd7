# SPDX-License-Identifier: BSD-3-Clause
"""Sockets in the lab's namespaces from one python process: each socket is
made in its host's network namespace (setns on this thread), then used
from here, so one script can drive several hosts in lock step."""
import ctypes
import os
import socket

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNET = 0x40000000
_fds = {}
failed = False


def sock(netns, kind, addr, port=0):
    """A socket of kind bound to addr:port inside namespace netns, with
    SO_REUSEADDR and SO_REUSEPORT (several sockets may share a port)."""
    if netns not in _fds:
        _fds[netns] = os.open("/run/netns/" + netns, os.O_RDONLY)
    if _libc.setns(_fds[netns], _CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + netns)
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((addr, port))
    return s


def check(cond, what):
    """Print ok/FAIL for what; remember a failure (see failed)."""
    global failed
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    failed |= not cond


def recv(s, timeout):
    """(data, source) of the next datagram on s within timeout, or None."""
    s.settimeout(timeout)
    try:
        return s.recvfrom(2048)
    except socket.timeout:
        return None


def errno_of(call, *args):
    """The errno that call(*args) fails with, or None when it succeeds."""
    try:
        call(*args)
    except OSError as e:
        return e.errno
    return None
