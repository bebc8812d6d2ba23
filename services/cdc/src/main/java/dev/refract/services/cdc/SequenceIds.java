package dev.refract.services.cdc;

/**
 * Pulsar sequence ids derived from the PostgreSQL source position, so that the broker's
 * deduplication (highest sequence id per producer name) drops a resend after a crash.
 *
 * <p>{@code sequenceId = (commitLsn << 16) | index}, where {@code commitLsn} is the offset's
 * {@code lsn_commit} (the position of the last COMMIT Debezium processed before this change's
 * transaction: the same for every change of a transaction, strictly greater for each later
 * transaction in delivery order) and {@code index} is the change's 0-based position among the
 * changes of its transaction for this table (Debezium's {@code transaction.data_collection_order}
 * minus one). See services/cdc/README.md for why this is sound and for its bounds.
 */
public final class SequenceIds {
    /** Bits kept for the index within a transaction (per table, i.e. per producer). */
    public static final int INDEX_BITS = 16;
    public static final long MAX_INDEX = (1L << INDEX_BITS) - 1; // 65,535
    /** Largest commit LSN that still leaves the sign bit clear: 2^47 - 1 (128 TiB of WAL). */
    public static final long MAX_COMMIT_LSN = (1L << (63 - INDEX_BITS)) - 1;

    private SequenceIds() {
    }

    /** @throws IllegalStateException when a bound is exceeded: never wrap or truncate silently. */
    public static long of(long commitLsn, long index) {
        if (commitLsn < 0 || commitLsn > MAX_COMMIT_LSN) {
            throw new IllegalStateException("CDC.SEQUENCE_OVERFLOW: commit LSN " + commitLsn + " (" + Lsns.format(commitLsn)
                    + ") is beyond 2^47-1; sequence ids derived from it would not fit in 63 bits");
        }
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalStateException("CDC.SEQUENCE_OVERFLOW: change #" + (index + 1)
                    + " of one transaction for one table; at most " + (MAX_INDEX + 1) + " fit in the sequence id");
        }
        return (commitLsn << INDEX_BITS) | index;
    }

    public static long commitLsnOf(long sequenceId) {
        return sequenceId >>> INDEX_BITS;
    }

    public static long indexOf(long sequenceId) {
        return sequenceId & MAX_INDEX;
    }

    /** Self-check: `java -cp ... dev.refract.services.cdc.SequenceIds` exits 0 when the arithmetic holds. */
    public static void main(String[] args) {
        check(of(0, 0) == 0, "zero");
        check(of(1, 0) == 65_536, "one commit");
        check(of(0x1511B38L, 3) == (0x1511B38L << 16 | 3), "typical");
        check(commitLsnOf(of(MAX_COMMIT_LSN, MAX_INDEX)) == MAX_COMMIT_LSN && indexOf(of(MAX_COMMIT_LSN, MAX_INDEX)) == MAX_INDEX, "max");
        check(of(MAX_COMMIT_LSN, MAX_INDEX) == Long.MAX_VALUE, "fits");
        check(of(5, MAX_INDEX) < of(6, 0), "order across transactions");
        check(throwsOverflow(() -> of(MAX_COMMIT_LSN + 1, 0)), "lsn bound");
        check(throwsOverflow(() -> of(1, MAX_INDEX + 1)), "index bound");
        check(throwsOverflow(() -> of(1, -1)), "negative index");
        check("0/1511B38".equals(Lsns.format(0x1511B38L)), "lsn format");
        System.out.println("SequenceIds: ok");
    }

    private static boolean throwsOverflow(Runnable r) {
        try {
            r.run();
            return false;
        }
        catch (IllegalStateException e) {
            return e.getMessage().startsWith("CDC.SEQUENCE_OVERFLOW");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("SequenceIds self-check failed: " + what);
        }
    }
}
