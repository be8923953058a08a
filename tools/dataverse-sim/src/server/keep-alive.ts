/**
 * How long the listener keeps an idle connection open. Without a setting it is Node's server default (5 s, with a
 * `Keep-Alive: timeout=5` hint), closed gracefully. A client that sends on a pooled connection just as the server
 * closes it gets a reset with no answer, and cannot tell whether the request was applied; in a real run that happens
 * now and then, at the boundary. With `keepAliveTimeoutMs` the simulator plays that crossing every time: connections
 * are never closed by the server, and a request that arrives on a connection idle that long (since its last answer, or
 * since it opened) is cut unanswered and not applied, as the crossing close would have cut it. No hint is sent, as
 * the service's front end sends none; a client must bound its own idle sockets.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

export class KeepAliveLimit {
    /** Per connection: when it last went idle (ms, monotonic). */
    private readonly idleSince = new WeakMap<Socket, number>();
    /** Requests cut because their connection had been idle past the limit. */
    cut = 0;

    constructor(private readonly timeoutMs: number) {}

    attach(server: Server): void {
        server.keepAliveTimeout = 0; // never closed by the server: the crossing is played on arrival instead
        server.on('connection', (socket: Socket) => this.idleSince.set(socket, performance.now()));
    }

    /** True when the request was cut: its connection had been idle past the limit. Else marks it busy until answered. */
    cutIfStale(req: IncomingMessage): boolean {
        const socket = req.socket;
        const since = this.idleSince.get(socket);
        if (since !== undefined && performance.now() - since >= this.timeoutMs) {
            this.cut++;
            socket.destroy();
            return true;
        }
        this.idleSince.delete(socket);
        return false;
    }

    /** The answer was written: the connection is idle from now on. */
    idle(socket: Socket): void {
        if (!socket.destroyed) this.idleSince.set(socket, performance.now());
    }
}
