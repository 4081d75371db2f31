package dev.ballast.internals;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionInternal;
import java.util.Optional;

/**
 * The one place that reaches past the public Vert.x and Netty API, for what that API cannot do: drop a
 * database connection whose state is unknown, see a connection as it is accepted and before HTTP decodes it,
 * and tell the pool's acquire timeout and a closed connection from other failures. Each hook names a class,
 * a handler or a message of Vert.x 4.5 that an upgrade can change; {@link InternalsCheck} verifies at
 * start-up that each still takes hold.
 */
public final class VertxInternals {

    /** The hooks as they match Vert.x 4.5 (Quarkus 3.33). */
    public static final VertxInternals VERTX = new VertxInternals(SocketConnectionBase.class.getName(),
            ConnectionBase.class.getName(), "httpDecoder", "Timeout", "Connection is not active now");

    private final String socketConnectionClass;
    private final String serverConnectionClass;
    private final String httpDecoder;
    private final String acquireTimeoutMessage;
    private final String connectionClosedMessage;

    /** Other names than Vert.x's own: how a test plays an upgrade that renamed them. */
    VertxInternals(String socketConnectionClass, String serverConnectionClass, String httpDecoder,
                   String acquireTimeoutMessage, String connectionClosedMessage) {
        this.socketConnectionClass = socketConnectionClass;
        this.serverConnectionClass = serverConnectionClass;
        this.httpDecoder = httpDecoder;
        this.acquireTimeoutMessage = acquireTimeoutMessage;
        this.connectionClosedMessage = connectionClosedMessage;
    }

    /**
     * Closes the connection's socket. {@code close()} would not do: on a pooled connection it hands the
     * connection back to the pool, and on any connection it queues a Terminate message behind the statement
     * still waiting for its answer. Closing the socket fails that statement at once and makes the pool forget
     * the connection. Where the socket cannot be reached, {@code close()} is all that is left.
     */
    public void closeSocket(SqlConnection connection) {
        socketConnection(connection).ifPresentOrElse(socket -> socket.socket().close(), connection::close);
    }

    /** Whether {@link #closeSocket} reaches this connection's socket (pooled connection, then socket connection). */
    boolean reachesSocket(SqlConnection connection) {
        return socketConnection(connection).isPresent();
    }

    private Optional<SocketConnectionBase> socketConnection(SqlConnection connection) {
        if (connection instanceof SqlConnectionInternal internal) {
            Connection inner = internal.unwrap();
            while (!isA(socketConnectionClass, inner) && inner.unwrap() != inner) {
                inner = inner.unwrap();
            }
            if (isA(socketConnectionClass, inner) && inner instanceof SocketConnectionBase socket) {
                return Optional.of(socket);
            }
        }
        return Optional.empty();
    }

    /** The listening channel that accepted this HTTP connection, when it can be reached. */
    public Optional<Channel> listeningChannel(HttpConnection connection) {
        if (isA(serverConnectionClass, connection) && connection instanceof ConnectionBase base
                && base.channel().parent() != null) {
            return Optional.of(base.channel().parent());
        }
        return Optional.empty();
    }

    /** Whether this HTTP connection's pipeline holds the server's HTTP/1 decoder by its name. */
    public boolean hasHttpDecoder(HttpConnection connection) {
        return connection instanceof ConnectionBase base && base.channel().pipeline().get(httpDecoder) != null;
    }

    /** Puts the handler right after the server's HTTP/1 decoder; false when the pipeline has none (HTTP/2). */
    public boolean addAfterHttpDecoder(ChannelPipeline pipeline, String name, ChannelHandler handler) {
        if (pipeline.get(httpDecoder) == null) {
            return false;
        }
        pipeline.addAfter(httpDecoder, name, handler);
        return true;
    }

    /** Closes an accepted connection before it is registered with an event loop (nothing is sent on it). */
    public void closeAtOnce(Channel accepted) {
        accepted.unsafe().closeForcibly();
    }

    /**
     * The pool's acquire timeout (no type of its own, only a message on a {@code VertxException} or a
     * {@code NoStackTraceThrowable}, depending on how the connection was asked for), or a statement sent on a
     * connection the server has just closed.
     */
    public boolean isAcquireTimeoutOrClosedConnection(Throwable failure) {
        return (failure instanceof VertxException || failure instanceof NoStackTraceThrowable)
                && (String.valueOf(failure.getMessage()).startsWith(acquireTimeoutMessage)
                    || String.valueOf(failure.getMessage()).startsWith(connectionClosedMessage));
    }

    private static boolean isA(String className, Object object) {
        for (Class<?> type = object.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}
