#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scripts/dns-delay.py - a UDP DNS forwarder that holds every answer back.

    dns-delay.py --listen PORT --upstream PORT [--delay MS] [--ready-file F]

Listens on 127.0.0.1:PORT; each query goes to 127.0.0.1:UPSTREAM (a
dnsmasq serving the test zone) at once, and its answer is sent back MS
milliseconds later (default 200), so that a client asking N questions one
after another takes N x MS and one asking them together takes MS: elapsed
time / MS counts the client's round trips. For `make bench` only.
"""
import argparse
import asyncio
import socket


class Front(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay):
        self.upstream, self.delay = upstream, delay

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.get_running_loop().create_task(self.forward(data, addr))

    async def forward(self, data, addr):
        loop = asyncio.get_running_loop()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            await loop.sock_connect(s, ("127.0.0.1", self.upstream))
            await loop.sock_sendall(s, data)
            answer = await asyncio.wait_for(loop.sock_recv(s, 65535), 5)
        except (OSError, asyncio.TimeoutError):
            return
        finally:
            s.close()
        await asyncio.sleep(self.delay)
        self.transport.sendto(answer, addr)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--delay", type=int, default=200)
    p.add_argument("--ready-file")
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Front(a.upstream, a.delay / 1000),
                                        local_addr=("127.0.0.1", a.listen))
    if a.ready_file:
        open(a.ready_file, "w").close()
    await asyncio.sleep(3600)


asyncio.run(main())
