package dev.cvd.ingest;

/**
 * Checks the {@code sequence_num} of Advanced Trade frames on one connection. Coinbase numbers
 * every message of a connection, whatever its channel, from zero up by one; a skipped number is a
 * lost message, a number at or below the last one a repeat. A new connection starts a new sequence:
 * call {@link #reset()}.
 *
 * <p>Counts are cumulative over resets. One owner thread observes; the counts may be read from any
 * thread (metrics).
 */
public final class SequenceTracker {

    /** {@link #observe} result of a number that is not above the previous one. */
    public static final long STALE = -1;

    private long last = -1;
    private boolean started;
    private volatile long gaps;
    private volatile long missing;
    private volatile long stale;

    /** Starts a new connection: the next number observed is taken as it comes. */
    public void reset() {
        started = false;
        last = -1;
    }

    /**
     * Records one frame's sequence number.
     *
     * @return 0 if it follows the previous one (or is the first of the connection), the count of
     *     numbers skipped before it if there is a gap, or {@link #STALE} if it is not above the
     *     previous number (a repeat: the frame should be dropped)
     */
    public long observe(long sequenceNum) {
        if (!started) {
            started = true;
            last = sequenceNum;
            // A connection's numbering starts at 0: anything later was lost before we saw it.
            if (sequenceNum > 0) {
                gaps++;
                missing += sequenceNum;
                return sequenceNum;
            }
            return 0;
        }
        if (sequenceNum <= last) {
            stale++;
            return STALE;
        }
        long skipped = sequenceNum - last - 1;
        last = sequenceNum;
        if (skipped > 0) {
            gaps++;
            missing += skipped;
        }
        return skipped;
    }

    /** The last sequence number accepted on this connection, or -1. */
    public long last() {
        return last;
    }

    /** Gaps detected so far. */
    public long gaps() {
        return gaps;
    }

    /** Messages missing in those gaps. */
    public long missing() {
        return missing;
    }

    /** Repeated or out-of-order numbers seen (and dropped). */
    public long stale() {
        return stale;
    }
}
