# SPDX-License-Identifier: BSD-3-Clause
# notify_recv.py SOCKET OUT CHECK: stands for systemd's notification socket.
# Binds the datagram socket SOCKET; for each line of each message appends
# "LINE<TAB>STATUS" to OUT, STATUS being the exit status of the shell
# command CHECK run when the message arrived (what was true then).  Ends on
# STOPPING=1 or after 120 s.
import os
import socket
import subprocess
import sys
import time

path, out, check = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(1)
end = time.time() + 120
with open(out, "a", buffering=1) as f:
    while time.time() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        rc = subprocess.call(check, shell=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        for line in msg.splitlines():
            f.write("%s\t%d\n" % (line, rc))
        if "STOPPING=1" in msg.splitlines():
            break
os.unlink(path)
