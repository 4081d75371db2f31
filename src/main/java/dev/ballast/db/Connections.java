package dev.ballast.db;

import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionInternal;

/** What the public Vert.x SQL client API cannot do: drop a connection whose state is unknown. */
final class Connections {

    private Connections() {
    }

    /**
     * Closes the connection's socket. {@code close()} would not do: on a pooled connection it hands the
     * connection back to the pool, and on any connection it queues a Terminate message behind the
     * statement still waiting for its answer. Closing the socket fails that statement at once and makes
     * the pool forget the connection (Vert.x 4.5 internals: pooled connection, then socket connection).
     */
    static void closeSocket(SqlConnection connection) {
        if (connection instanceof SqlConnectionInternal internal) {
            Connection inner = internal.unwrap();
            while (!(inner instanceof SocketConnectionBase) && inner.unwrap() != inner) {
                inner = inner.unwrap();
            }
            if (inner instanceof SocketConnectionBase socketConnection) {
                socketConnection.socket().close();
                return;
            }
        }
        connection.close();
    }
}
