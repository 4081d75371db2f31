package dev.ballast.cache;

/**
 * A cache notice for a write's statement to choose: the channel it sends it on itself with {@code pg_notify}
 * (null: it sends none, the notice goes out after it),
 * the payload when the write changed a live article (or anything else), and the payload when it brought the
 * article back from the archive first, each beside the changes it encodes. Built by {@link ReadCaches#notice}.
 */
public record WriteNotice(String channel, String payload, CacheChanges changes, String restoredPayload, CacheChanges restoredChanges) {

    /**
     * The changes of the payload the statement sent: one of the two built here, or (a payload the statement
     * completed itself, as a favorite's) read back from it.
     */
    CacheChanges changesOf(String sent) {
        if (sent.equals(payload)) {
            return changes;
        }
        return sent.equals(restoredPayload) ? restoredChanges : CacheNoticeCodec.decode(sent).changes();
    }
}
