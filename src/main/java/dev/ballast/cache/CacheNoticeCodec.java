package dev.ballast.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One write's {@link CacheChanges} as the payload of a Postgres notification, and back: a {@link Notice} sent
 * by the replica {@code from} at {@code sentAtMillis} (its wall clock), for a write whose commit is at or before the WAL
 * position {@code position} ({@code lsn}, as bytes from the WAL's start; absent, or 0, when the sender has no read
 * replicas and did not read it). A compact JSON object, for example
 * <pre>{"v":1,"from":"5f2c9a1e","at":1764233000123,"lsn":40893416,"all":["article-lists","tags"],"keys":{"article":["how-to"],"comments":["how-to"]}}</pre>
 * and, for a favorite, {@code "showing":{"article-lists":[42]},"naming":{"article-lists":["jake"]}} (the lists
 * showing article 42, and those whose key names the user jake: the lists of jake's favorites).
 * Keys travel exactly when they are strings or longs (what a JSON reader gives back as the same key); a
 * cache with a key of any other type is announced whole. A payload that would not fit well under Postgres'
 * 8000-byte limit announces each cache with keys whole instead: emptying more is always safe.
 */
final class CacheNoticeCodec {

    static final int VERSION = 1;
    /** Postgres refuses payloads of 8000 bytes or more; leave room for the channel name and overhead. */
    static final int MAX_PAYLOAD_BYTES = 7000;

    /** What one notice says: which replica sent it, when, for a write at which WAL position (0: unknown), and what to empty. */
    record Notice(String from, long sentAtMillis, long position, CacheChanges changes) {
    }

    private CacheNoticeCodec() {
    }

    static String encode(Notice notice) {
        String payload = encode(notice, false);
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            payload = encode(notice, true);
        }
        return payload;
    }

    private static String encode(Notice payload, boolean keyedAsWhole) {
        CacheChanges changes = payload.changes();
        JsonArray whole = new JsonArray();
        changes.whole().forEach(whole::add);
        JsonObject keyed = new JsonObject();
        for (Map.Entry<String, Set<Object>> entry : changes.keys().entrySet()) {
            JsonArray keys = new JsonArray();
            boolean sendable = !keyedAsWhole;
            for (Object key : entry.getValue()) {
                if (key instanceof String || key instanceof Long) {
                    keys.add(key);
                } else {
                    sendable = false;
                }
            }
            if (sendable) {
                keyed.put(entry.getKey(), keys);
            } else {
                whole.add(entry.getKey());
            }
        }
        JsonObject showing = selected(changes.showing(), keyedAsWhole, whole);
        JsonObject users = selected(changes.showingUser(), keyedAsWhole, whole);
        JsonObject naming = selected(changes.naming(), keyedAsWhole, whole);
        JsonObject notice = new JsonObject().put("v", VERSION).put("from", payload.from()).put("at", payload.sentAtMillis());
        if (payload.position() > 0) {
            notice.put("lsn", payload.position());
        }
        if (!whole.isEmpty()) {
            notice.put("all", whole);
        }
        if (!keyed.isEmpty()) {
            notice.put("keys", keyed);
        }
        if (!showing.isEmpty()) {
            notice.put("showing", showing);
        }
        if (!users.isEmpty()) {
            notice.put("users", users);
        }
        if (!naming.isEmpty()) {
            notice.put("naming", naming);
        }
        return notice.encode();
    }

    /** Article ids or key values per cache, or (when they do not fit) their caches added to {@code whole}. */
    private static <T> JsonObject selected(Map<String, Set<T>> selections, boolean asWhole, JsonArray whole) {
        JsonObject selected = new JsonObject();
        selections.forEach((cacheName, values) -> {
            if (asWhole) {
                whole.add(cacheName);
            } else {
                selected.put(cacheName, new JsonArray(List.copyOf(values)));
            }
        });
        return selected;
    }

    /**
     * Reads a payload; throws {@link IllegalArgumentException}, and only that, when it is not a notice of a known
     * version: not JSON, or a field of another type than a notice's (the JSON reader's {@code ClassCastException}).
     */
    static Notice decode(String payload) {
        try {
            return read(new JsonObject(payload), payload);
        } catch (IllegalArgumentException unreadable) {
            throw unreadable;
        } catch (RuntimeException unreadable) {
            throw new IllegalArgumentException("not a cache notice: " + abbreviated(payload), unreadable);
        }
    }

    private static Notice read(JsonObject notice, String payload) {
        if (!Integer.valueOf(VERSION).equals(notice.getInteger("v")) || notice.getString("from") == null) {
            throw new IllegalArgumentException("not a cache notice of version " + VERSION + ": " + abbreviated(payload));
        }
        CacheChanges changes = new CacheChanges();
        JsonArray whole = notice.getJsonArray("all", new JsonArray());
        for (int i = 0; i < whole.size(); i++) {
            changes.all(whole.getString(i));
        }
        JsonObject keyed = notice.getJsonObject("keys", new JsonObject());
        for (String cacheName : keyed.fieldNames()) {
            JsonArray keys = keyed.getJsonArray(cacheName);
            for (int i = 0; i < keys.size(); i++) {
                Object key = keys.getValue(i);
                changes.key(cacheName, key instanceof Number number ? (Object) number.longValue() : key);
            }
        }
        JsonObject showing = notice.getJsonObject("showing", new JsonObject());
        for (String cacheName : showing.fieldNames()) {
            showing.getJsonArray(cacheName).forEach(id -> changes.showing(cacheName, ((Number) id).longValue()));
        }
        JsonObject users = notice.getJsonObject("users", new JsonObject());
        for (String cacheName : users.fieldNames()) {
            users.getJsonArray(cacheName).forEach(id -> changes.showingUser(cacheName, ((Number) id).longValue()));
        }
        JsonObject naming = notice.getJsonObject("naming", new JsonObject());
        for (String cacheName : naming.fieldNames()) {
            naming.getJsonArray(cacheName).forEach(value -> changes.naming(cacheName, (String) value));
        }
        return new Notice(notice.getString("from"), notice.getLong("at", 0L), notice.getLong("lsn", 0L), changes);
    }

    private static String abbreviated(String payload) {
        return payload == null || payload.length() <= 200 ? String.valueOf(payload) : payload.substring(0, 200) + "...";
    }
}
