package dev.ballast.cache;

/**
 * A cache notice for a write's own statement to send with {@code pg_notify}: the channel (null: send none),
 * the payload when the write changed a live article (or anything else), and the payload when it brought the
 * article back from the archive first. Built by {@link ReadCaches#notice}.
 */
public record WriteNotice(String channel, String payload, String restoredPayload) {
}
