package dev.ballast.user;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Which password hash runs next, and which is refused. Work-conserving: while the CPU has room, every hashing
 * thread is used and a hash waits only for a thread, so a burst of logins on a quiet replica is served at
 * the CPU's full hashing capacity. While readers need the CPU ("contended", decided by the caller), hashing
 * is held to its {@link HashingShare}: at most {@code contendedThreads} at once, and each start takes a token
 * of the share. A hash is refused only when it could not start by its latest start (the caller's deadline):
 * at once when its expected wait already passes it, or when it reaches the head of the line too late
 * (contention set in meanwhile). Never a refusal because some fixed number are waiting.
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
    private final int contendedThreads;
    private final HashingShare share;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private int running;
    private double hashNanos;

    HashingQueue(int threads, int contendedThreads, HashingShare share, long hashNanos) {
        if (threads < 1 || contendedThreads < 1 || contendedThreads > threads) {
            throw new IllegalArgumentException("threads " + threads + ", under contention " + contendedThreads);
        }
        this.threads = threads;
        this.contendedThreads = contendedThreads;
        this.share = share;
        this.hashNanos = hashNanos;
    }

    /**
     * How long a hash offered now would wait before it starts: the hashes ahead of it, each taking the
     * current hash time, spread over the threads it may use; under contention, at least until the share
     * has a token for it and every one ahead.
     */
    synchronized long expectedWait(long now, boolean contended) {
        int usable = contended ? contendedThreads : threads;
        int mustFinishFirst = waiting.size() + running - usable + 1;
        double forThreads = mustFinishFirst <= 0 ? 0 : mustFinishFirst * hashNanos / usable;
        double forShare = contended ? share.nanosUntil(waiting.size() + 1, now) : 0;
        return (long) Math.max(forThreads, forShare);
    }

    /** Puts {@code job} in line, unless it could not start by {@code latestStart}: then false (refuse it). */
    synchronized boolean offer(Job job, long latestStart, long now, boolean contended) {
        if (now + expectedWait(now, contended) > latestStart) {
            return false;
        }
        waiting.add(new Waiting(job, latestStart));
        return true;
    }

    /** Starts what may start now, in arrival order; refuses those at the head whose latest start has passed. */
    synchronized Dispatch dispatch(long now, boolean contended) {
        List<Job> start = new ArrayList<>();
        List<Job> refuse = new ArrayList<>();
        long retryIn = -1;
        while (!waiting.isEmpty()) {
            Waiting head = waiting.peek();
            if (now > head.latestStart()) {
                waiting.poll();
                refuse.add(head.job());
                continue;
            }
            if (running >= (contended ? contendedThreads : threads)) {
                break;
            }
            // Hashing while the CPU has room takes tokens too (when there are any), so that when contention
            // sets in the share starts from what hashing has just used, not from a full second's worth.
            if (!share.tryAcquire(now) && contended) {
                retryIn = Math.max(1, share.nanosUntil(1, now));
                break;
            }
            waiting.poll();
            running++;
            start.add(head.job());
        }
        return new Dispatch(start, refuse, retryIn);
    }

    /** A hash has ended after {@code tookNanos} on its thread: its thread is free, and the hash time estimate follows it. */
    synchronized void finished(long tookNanos) {
        running--;
        hashNanos += HASH_TIME_WEIGHT * (tookNanos - hashNanos);
    }

    synchronized int waiting() {
        return waiting.size();
    }

    synchronized long hashNanos() {
        return (long) hashNanos;
    }
}
