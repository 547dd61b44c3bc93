"""Keep query workers off the network and inside their memory.

Oxigraph evaluates `SERVICE <iri> { … }` by sending the sub-query over HTTP, and pyoxigraph
(0.5) offers no switch to turn its HTTP client off and no parser to ask whether a query
holds SERVICE. So federation is not decided by reading the query text: the process that
runs the engine is made unable to open a connection at all, by the kernel, in two
independent ways —

  * an empty network namespace (`unshare(CLONE_NEWNET)`, with a user namespace where
    that is what the kernel allows): no interface is up, not even loopback;
  * a seccomp filter (libseccomp) that makes `socket`, `socketpair`, `connect` and
    `io_uring_setup` fail with EACCES: a worker needs no new socket after start-up
    (its pipe to the parent is already open), so nothing it runs can make one.

Either is enough; `isolate()` applies both and says which held. A caller that cannot get
either fails closed (see `may_reach_network` and the pool's `isolated`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import re

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
# errno values the engine reports when the walls above stop a SERVICE call
NETWORK_DENIED = {errno.EACCES, errno.EPERM, errno.ENETUNREACH, errno.EHOSTUNREACH,
                  errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL}
_DENIED_TEXT = re.compile(r"\(os error (\d+)\)")


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def enter_empty_network_namespace() -> str | None:
    """Move this process into a new, empty network namespace; None if the kernel refuses."""
    try:
        libc = _libc()
        if libc.unshare(CLONE_NEWNET) == 0:
            return "netns"
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
            return "netns (user namespace)"
    except (OSError, AttributeError):
        pass
    return None


def deny_new_sockets() -> str | None:
    """Install a seccomp filter after which this process (and its threads and children)
    cannot create or connect a socket. None if seccomp or libseccomp is unavailable."""
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
        libc = _libc()
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                     ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EACCES  # SCMP_ACT_ALLOW, SCMP_ACT_ERRNO
    # no_new_privs is what lets an unprivileged process load a filter
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return None
    ctx = lib.seccomp_init(allow)
    if not ctx:
        return None
    try:
        for call in (b"socket", b"socketpair", b"connect", b"io_uring_setup"):
            nr = lib.seccomp_syscall_resolve_name(call)
            if nr < 0:
                continue  # not a system call on this architecture
            if lib.seccomp_rule_add(ctx, deny, nr, 0) != 0:
                return None
        if lib.seccomp_load(ctx) != 0:
            return None
    finally:
        lib.seccomp_release(ctx)
    return "seccomp"


def isolate(network: bool = True) -> str:
    """Apply both walls; a short description of what holds ("netns+seccomp", "seccomp",
    …), or "none" when neither could be put up (or `network` is False)."""
    if not network:
        return "none"
    held = [w for w in (enter_empty_network_namespace(), deny_new_sockets()) if w]
    return "+".join(held) if held else "none"


def probe_socket_denied() -> bool:
    """True if this process can no longer open a socket (the walls are up)."""
    import socket

    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return True
    try:
        s.settimeout(0.2)
        s.connect(("127.0.0.1", 9))  # discard; an empty namespace has no route
    except OSError as exc:
        return exc.errno in NETWORK_DENIED
    finally:
        s.close()
    return False


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so a query that grows without bound fails with
    an allocation error in its worker instead of swapping the machine."""
    try:
        import resource

        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def network_denied(exc: BaseException) -> bool:
    """Did the engine fail because a wall stopped it from connecting? (Oxigraph reports
    an io::Error, which pyoxigraph maps to OSError with the os error in its text.)"""
    if not isinstance(exc, OSError):
        return False
    if exc.errno in NETWORK_DENIED:
        return True
    m = _DENIED_TEXT.search(str(exc))
    return bool(m) and int(m.group(1)) in NETWORK_DENIED


# The text test that lets a query skip the sandbox ------------------------------------
#
# SPARQL lets \uXXXX / \UXXXXXXXX escapes stand anywhere in a query (section 19.2), and
# Oxigraph (spargebra) replaces them before it parses; keywords are matched ASCII-case-
# insensitively. So a query whose text, with every escape replaced (repeatedly, to be
# generous), holds no "service" in any ASCII case cannot contain the SERVICE keyword for
# the engine: whatever its grammar makes of the rest, it has no SERVICE to evaluate. This
# is a one-sided test — it never says "safe" wrongly, it may say "maybe" for a query that
# merely mentions the word — and only "maybe" queries need the walls above.

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _unescape_once(text: str) -> str:
    def one(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _ESCAPE.sub(one, text)


def may_reach_network(sparql: str) -> bool:
    """False only when the engine cannot possibly read SERVICE in `sparql`."""
    text = sparql
    for _ in range(8):
        if "service" in text.translate(_ASCII_LOWER):
            return True
        unescaped = _unescape_once(text)
        if unescaped == text:
            return False
        text = unescaped
    return True  # escapes nested deeper than anyone writes: assume the worst
