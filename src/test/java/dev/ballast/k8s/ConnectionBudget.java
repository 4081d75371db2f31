package dev.ballast.k8s;

/**
 * The most connections the replicas of one overlay can open, against what its Postgres allows:
 * every replica the autoscaler may run, plus the extra one a rolling update adds, each with its full
 * reactive pool, Flyway's JDBC pool and its own connections outside the pool (the heartbeat's, and the
 * cache notice listener's unless {@code CACHE_NOTIFY=false}), plus the connections kept for migrations and
 * administration, plus Postgres' superuser reserve.
 */
record ConnectionBudget(int maxReplicas, int surge, int poolMax, int flywayPoolMax, int outsidePool, int reserved,
                        int superuserReserved, int maxConnections) {

    int worstCase() {
        return (maxReplicas + surge) * (poolMax + flywayPoolMax + outsidePool) + reserved + superuserReserved;
    }

    boolean fits() {
        return worstCase() <= maxConnections;
    }

    @Override
    public String toString() {
        return "(" + maxReplicas + " replicas + " + surge + " surge) x (" + poolMax + " pool + " + flywayPoolMax
                + " Flyway + " + outsidePool + " outside the pool) + " + reserved + " reserved + " + superuserReserved
                + " superuser-reserved = " + worstCase() + " of max_connections " + maxConnections;
    }
}
