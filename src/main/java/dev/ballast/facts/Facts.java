package dev.ballast.facts;

import java.util.List;

/**
 * Where every write hands what it did, once it has committed (the read caches of every replica follow:
 * {@code cache/ReadCaches}). It returns when this replica shows the write; telling the other replicas never fails
 * and never delays the write.
 */
public interface Facts {

    /** The facts of one committed write (none: it changed nothing). */
    void committed(List<Fact> facts);
}
