package dev.ballast.user;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which password hash runs next, and which is refused. Work-conserving: while the CPU has room, every hashing thread is
 * used and a hash waits only for a thread, so a burst of logins on a quiet replica is served at the CPU's full hashing
 * capacity. While readers need the CPU ("contended", decided by the caller), hashing is held to its
 * {@link HashingShare}: each start takes a token of the share, so a burst still runs on every thread while the share's
 * bucket lasts, and a flood is paced at the share's rate. A hash is refused only when it could not start by its latest
 * start (the caller's deadline): at once when its expected wait already passes it, or when it reaches the head of the
 * line too late (contention set in meanwhile). Never a refusal because some fixed number are waiting.
 * <p>
 * Fair between clients: each client (an address) has its own line, and the lines take turns, one hash each, so a
 * client with many hashes waiting delays another's by at most one of its own per turn: no one client can fill
 * the queue for the others.
 * <p>
 * Pure logic, all times in {@link System#nanoTime()} nanoseconds passed in; thread-safe.
 */
final class HashingQueue {

    /** A hash waiting for its turn: started on a hashing thread, or told that it will not run. */
    interface Job {
        void start();

        void refuse();
    }

    /**
     * What to do now, outside the queue's lock: jobs to start, jobs to refuse, and when to look again
     * ({@code retryInNanos}; negative when a finishing hash will be the next occasion).
     */
    record Dispatch(List<Job> start, List<Job> refuse, long retryInNanos) {
    }

    private record Waiting(Job job, long latestStart) {
    }

    /** Weight of each finished hash in the running estimate of how long a hash takes. */
    private static final double HASH_TIME_WEIGHT = 0.2;

    private final int threads;
    private final HashingShare share;
    /** Each client's line, in the order of their turns: the first is served next, then goes last. */
    private final Map<String, Deque<Waiting>> lines = new LinkedHashMap<>();
    private int waiting;
    private int running;
    private double hashNanos;

    HashingQueue(int threads, HashingShare share, long hashNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("hashing threads must be at least one: " + threads);
        }
        this.threads = threads;
        this.share = share;
        this.hashNanos = hashNanos;
    }

    /**
     * How long a hash of {@code client} offered now would wait before it starts: the hashes ahead of it (its
     * client's waiting ones, and of every other client as many as take their turns before it), each taking the
     * current hash time, spread over the threads; under contention, at least until the share has a token for it
     * and every one ahead.
     */
    synchronized long expectedWait(String client, long now, boolean contended) {
        Deque<Waiting> own = lines.get(client);
        int turns = own == null ? 1 : own.size() + 1;
        int ahead = turns - 1;
        for (Map.Entry<String, Deque<Waiting>> line : lines.entrySet()) {
            if (!line.getKey().equals(client)) {
                ahead += Math.min(line.getValue().size(), turns);
            }
        }
        int mustFinishFirst = ahead + running - threads + 1;
        double forThreads = mustFinishFirst <= 0 ? 0 : mustFinishFirst * hashNanos / threads;
        double forShare = contended ? share.nanosUntil(ahead + 1, now) : 0;
        return (long) Math.max(forThreads, forShare);
    }

    /** Puts {@code job} in its client's line, unless it could not start by {@code latestStart}: then false (refuse it). */
    synchronized boolean offer(Job job, String client, long latestStart, long now, boolean contended) {
        if (now + expectedWait(client, now, contended) > latestStart) {
            return false;
        }
        lines.computeIfAbsent(client, key -> new ArrayDeque<>()).add(new Waiting(job, latestStart));
        waiting++;
        return true;
    }

    /**
     * Refuses every waiting hash whose latest start has passed, then starts what may start now, the clients
     * taking turns, each in its arrival order.
     */
    synchronized Dispatch dispatch(long now, boolean contended) {
        List<Job> refuse = new ArrayList<>();
        for (Iterator<Deque<Waiting>> it = lines.values().iterator(); it.hasNext(); ) {
            Deque<Waiting> line = it.next();
            line.removeIf(hash -> {
                boolean late = now > hash.latestStart();
                if (late) {
                    refuse.add(hash.job());
                }
                return late;
            });
            if (line.isEmpty()) {
                it.remove();
            }
        }
        waiting -= refuse.size();
        List<Job> start = new ArrayList<>();
        long retryIn = -1;
        while (!lines.isEmpty() && running < threads) {
            // Hashing while the CPU has room takes tokens too (when there are any), so that when contention
            // sets in the share starts from what hashing has just used, not from a full second's worth.
            if (!share.tryAcquire(now) && contended) {
                retryIn = Math.max(1, share.nanosUntil(1, now));
                break;
            }
            Map.Entry<String, Deque<Waiting>> next = lines.entrySet().iterator().next();
            String client = next.getKey();
            Deque<Waiting> line = lines.remove(client);
            start.add(line.poll().job());
            if (!line.isEmpty()) {
                lines.put(client, line); // its next hash waits for the other clients' turns
            }
            waiting--;
            running++;
        }
        return new Dispatch(start, refuse, retryIn);
    }

    /** A hash has ended after {@code tookNanos} on its thread: its thread is free, and the hash time estimate follows it. */
    synchronized void finished(long tookNanos) {
        running--;
        hashNanos += HASH_TIME_WEIGHT * (tookNanos - hashNanos);
    }

    synchronized int waiting() {
        return waiting;
    }

    synchronized long hashNanos() {
        return (long) hashNanos;
    }
}
