package dev.ballast.protection;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Plain sockets to the test server, from a chosen loopback address: exact control over connections and bytes. */
final class RawHttp {

    private RawHttp() {
    }

    static Socket open(String fromAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** One GET on a new connection (closed after the response): the whole response, status line first. */
    static String get(String fromAddress, String path) throws IOException {
        try (Socket socket = open(fromAddress)) {
            send(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Milliseconds until the server closes the connection (reads and discards anything it sends first). */
    static long millisUntilClosed(Socket socket) throws IOException {
        long start = System.nanoTime();
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer such as 408 would be fine too; only the close matters
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + socket.getSoTimeout() + " ms");
        } catch (IOException reset) {
            // a reset is a close as well
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
