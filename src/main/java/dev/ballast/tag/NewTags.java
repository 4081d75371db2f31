package dev.ballast.tag;

import dev.ballast.protection.RateLimitSettings;
import dev.ballast.protection.TokenBuckets;
import dev.ballast.protection.TooManyRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;

/**
 * The bound on new tags: an account creates at most {@code TAGS_NEW_PER_HOUR} tags that did not exist before, per
 * hour (a token bucket per account on each replica: that many at once, then refilled at that rate). Tags that
 * already exist are never counted. An article's tags are counted before it is written, by one statement; over the
 * bound the write is refused (429), nothing written. Two articles of one account written at once with the same new
 * tags each count them: the bound errs on the side of refusing.
 */
@ApplicationScoped
public class NewTags {

    private final TagRepository tags;
    private final TokenBuckets accounts;
    private final Counter rejections;

    NewTags(TagRepository tags, MeterRegistry registry, TagSettings settings, RateLimitSettings rateLimits) {
        this.tags = tags;
        this.accounts = new TokenBuckets(settings.newPerHour(), Duration.ofHours(1), rateLimits.maxClients());
        this.rejections = registry.counter("ballast.rejections", "reason", "rate_limit", "limit", "new_tags");
    }

    /**
     * Takes one token of the account's budget for each of these distinct names that is no tag yet: the number taken
     * (0 at once, with no statement, when there are no names), or a {@link TooManyRequests} failure when the budget
     * is short, nothing taken.
     */
    public Uni<Integer> take(long accountId, Collection<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return tags.countNew(names).map(count -> {
            long retryAfterMillis = accounts.take(Long.toString(accountId), count);
            if (retryAfterMillis > 0) {
                rejections.increment();
                throw new TooManyRequests(accounts.capacity(), retryAfterMillis);
            }
            return count;
        });
    }

    /** Gives back what {@link #take} took for a write that then failed. */
    public void giveBack(long accountId, int taken) {
        accounts.giveBack(Long.toString(accountId), taken);
    }
}
