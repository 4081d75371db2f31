package dev.ballast.protection;

import dev.ballast.Management;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Plain sockets to the test server's API port (or its management port), from a chosen loopback address: exact control
 * over connections and bytes.
 */
final class RawHttp {

    private RawHttp() {
    }

    static Socket open(String fromAddress) throws IOException {
        return open(fromAddress, RestAssured.port);
    }

    private static Socket open(String fromAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** One GET on a new connection (closed after the response): the whole response, status line first. */
    static String get(String fromAddress, String path) throws IOException {
        return get(fromAddress, path, "");
    }

    /** The same on the management port (health probes, metrics). */
    static String management(String fromAddress, String path) throws IOException {
        return request(fromAddress, Management.port(), "GET " + path + " HTTP/1.1\r\n", "");
    }

    /** The same with extra header lines ({@code "Name: value\r\n"} each). */
    static String get(String fromAddress, String path, String headerLines) throws IOException {
        return request(fromAddress, "GET " + path + " HTTP/1.1\r\n" + headerLines, "");
    }

    /** One request without a body on a new connection: its request line and extra header lines ("Name: value\r\n" each). */
    static String exchange(String fromAddress, String requestLine, String headerLines) throws IOException {
        return request(fromAddress, requestLine + "\r\n" + headerLines, "");
    }

    /**
     * One JSON POST on a new connection, its path sent exactly as given (no client normalises it), with any
     * extra header lines ({@code "Name: value\r\n"} each): the whole response, status line first.
     */
    static String post(String fromAddress, String path, String headerLines, String json) throws IOException {
        return withBody(fromAddress, "POST", path, headerLines, json);
    }

    /** One JSON PUT on a new connection, like {@link #post}. */
    static String put(String fromAddress, String path, String headerLines, String json) throws IOException {
        return withBody(fromAddress, "PUT", path, headerLines, json);
    }

    private static String withBody(String fromAddress, String method, String path, String headerLines, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return request(fromAddress, method + " " + path + " HTTP/1.1\r\n" + headerLines
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n", json);
    }

    /** The status code of a whole response. */
    static int status(String response) {
        return Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
    }

    /** The value of a header in a whole response, or null. */
    static String header(String response, String name) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** The body of a whole response (the server answers these requests with a Content-Length). */
    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static String request(String fromAddress, String requestAndHeaderLines, String body) throws IOException {
        return request(fromAddress, RestAssured.port, requestAndHeaderLines, body);
    }

    private static String request(String fromAddress, int port, String requestAndHeaderLines, String body) throws IOException {
        try (Socket socket = open(fromAddress, port)) {
            send(socket, requestAndHeaderLines + "Host: localhost\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
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
