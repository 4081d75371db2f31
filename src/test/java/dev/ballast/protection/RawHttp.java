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
        return exchange(fromAddress, "GET " + path + " HTTP/1.1", "");
    }

    /** One request without a body on a new connection: its request line and extra header lines ("Name: value\r\n" each). */
    static String exchange(String fromAddress, String requestLine, String headers) throws IOException {
        try (Socket socket = open(fromAddress)) {
            send(socket, requestLine + "\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n");
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One POST of a JSON body on a new connection, with extra header lines ("Name: value\r\n" each). */
    static String post(String fromAddress, String path, String headers, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = open(fromAddress)) {
            send(socket, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n" + headers + "Connection: close\r\n\r\n");
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
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
