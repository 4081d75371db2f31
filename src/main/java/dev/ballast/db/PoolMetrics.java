package dev.ballast.db;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The pool is measured by Vert.x's pool metrics ({@code sql_pool_active}, {@code sql_pool_queue_size},
 * {@code sql_pool_queue_delay_seconds}, {@code sql_pool_rejected_total}, ...). The per-connection client metrics
 * ({@code postgresql_*}) are turned off: the Postgres client of Vert.x 4.5 creates them for every new connection
 * and Quarkus registers each under the same name, so their gauges only ever showed the first connection, and every
 * start logged "This Gauge has been already registered (postgresql.queue.size)"
 * (https://github.com/quarkusio/quarkus/issues/47504).
 */
class PoolMetrics {

    @Produces
    @Singleton
    MeterFilter withoutPerConnectionClientMetrics() {
        return MeterFilter.denyNameStartsWith("postgresql.");
    }
}
