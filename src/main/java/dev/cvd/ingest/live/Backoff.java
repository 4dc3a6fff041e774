package dev.cvd.ingest.live;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for reconnecting: the n-th consecutive attempt waits a random
 * time in {@code [d/2, d]} where {@code d = min(max, initial * 2^n)} ("equal jitter": never less
 * than half the step, so a crowd of clients spreads out without hammering the server). Not
 * thread-safe: one owner thread.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private int attempt;

    /**
     * @param initial first delay step, positive
     * @param max largest delay step, at least {@code initial}
     * @param random uniform numbers in [0, 1)
     */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "max backoff " + max + " is below the initial " + initial);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt; each call doubles the step up to the maximum. */
    public Duration next() {
        long step = initialNanos;
        for (int i = 0; i < attempt && step < maxNanos; i++) {
            step = Math.min(maxNanos, step * 2);
        }
        attempt++;
        long half = step / 2;
        return Duration.ofNanos(half + (long) (random.getAsDouble() * (step - half)));
    }

    /** Consecutive attempts since the last {@link #reset()}. */
    public int attempts() {
        return attempt;
    }

    /** Starts over from the initial step (after a connection proved stable). */
    public void reset() {
        attempt = 0;
    }
}
