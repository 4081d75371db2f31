package dev.ballast.archive;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** When and how articles move to the archive tables ({@link ArchiveJob}); see {@code ballast.archive.*}. */
@ConfigMapping(prefix = "ballast.archive")
public interface ArchiveSettings {

    /**
     * When the job runs, a Quarkus cron expression ("off" or "disabled": never); its schedule's annotation names the
     * property itself.
     */
    String cron();

    /** Days without an update, comment, favorite or restore after which an article is archived. */
    int afterDays();

    /** Articles moved per batch, each batch one short transaction with their tags, favorites and comments. */
    int batchSize();

    /** How long a batch waits for a lock before it gives up (the next run resumes). */
    Duration lockTimeout();
}
