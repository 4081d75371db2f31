package dev.ballast.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the service and Postgres that can hang (stop forwarding, like a paused server or
 * a network dropping packets: connections stay open, nothing answers), resume, and cut every connection.
 */
final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object forwarding = new Object();
    private volatile boolean hung;

    FaultProxy(int upstreamPort) {
        this.upstreamPort = upstreamPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("fault-proxy-accept", this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Stops forwarding in both directions, and holds new connections unanswered. */
    void hang() {
        hung = true;
    }

    void resume() {
        synchronized (forwarding) {
            hung = false;
            forwarding.notifyAll();
        }
    }

    /** Closes every connection going through, on both sides (new ones are still accepted). */
    void cutAll() {
        sockets.forEach(FaultProxy::closeQuietly);
        sockets.clear();
    }

    @Override
    public void close() {
        closeQuietly(server);
        resume();
        cutAll();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                awaitForwarding();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                } catch (IOException refused) { // Postgres is down: the client sees its connection closed
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                daemon("fault-proxy-up", () -> pump(client, upstream));
                daemon("fault-proxy-down", () -> pump(upstream, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                awaitForwarding();
                out.write(buffer, 0, read);
            }
        } catch (IOException closed) {
            // one side went away: close the other below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitForwarding() {
        synchronized (forwarding) {
            while (hung) {
                try {
                    forwarding.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
