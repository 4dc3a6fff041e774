package dev.cvd.ingest;

import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays decoded recordings back with their original timing divided by a speed factor, or as fast as
 * the sink takes them. Feed it the reader's callbacks (it is a {@link RecordingListener}).
 *
 * <p>Pacing is drift-free: an event is due at {@code start + (t - t0) / speed} on the wall clock,
 * where {@code t0} is the first event time of the replay and {@code t} the largest event time seen
 * so far (an event that is late in the recording goes out at once, and time never runs backwards).
 * Events without a time go out immediately. The wait is against this schedule, never a sum of
 * sleeps, so errors do not accumulate over long recordings.
 *
 * <p>Not thread-safe: the callbacks belong to the reading thread; {@link #stop} may be called from
 * any thread. When stopped or interrupted, the next callback throws {@link Stopped}, which unwinds
 * the reader.
 */
public final class Replay implements RecordingListener {

    /** Where replayed events and rejected lines go. Called on the reading thread. */
    public interface Sink {

        /** One event, due now. May block (backpressure). */
        void event(MarketEvent event) throws InterruptedException;

        /** One line the reader could not decode, with its reason code. */
        void rejected(String reason, String line) throws InterruptedException;
    }

    /** Thrown from a callback once the replay is stopped or its thread interrupted. */
    public static final class Stopped extends RuntimeException {
        private Stopped(String why) {
            super(why, null, false, false);
        }
    }

    /** The wall clock the pacing waits on; replaceable in tests. */
    interface Clock {
        long nanoTime();

        void parkNanos(long nanos);
    }

    private static final Clock SYSTEM =
            new Clock() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void parkNanos(long nanos) {
                    LockSupport.parkNanos(nanos);
                }
            };

    private final double speed;
    private final Sink sink;
    private final Clock clock;
    private volatile boolean stopped;

    private long t0 = EventTime.UNKNOWN;
    private long tMax = EventTime.UNKNOWN;
    private long wallStart;

    /**
     * @param speed the factor that divides the recording's inter-event times; {@code
     *     Double.POSITIVE_INFINITY} for as fast as possible
     */
    public Replay(double speed, Sink sink) {
        this(speed, sink, SYSTEM);
    }

    Replay(double speed, Sink sink, Clock clock) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be > 0, got " + speed);
        }
        this.speed = speed;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = clock;
    }

    /** Parses {@code max} or a positive number, as the command line gives a speed. */
    public static double parseSpeed(String text) {
        String s = text.strip();
        if ("max".equalsIgnoreCase(s)) {
            return Double.POSITIVE_INFINITY;
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(
                    "speed must be a positive number or 'max', got '" + text + "'");
        }
        return v;
    }

    /** Asks the replay to stop at its next callback. */
    public void stop() {
        stopped = true;
    }

    @Override
    public void onEvent(MarketEvent event) {
        try {
            await(event.timeMicros());
            sink.event(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped("interrupted");
        }
    }

    @Override
    public void onRejected(String reason, String line) {
        if (stopped) {
            throw new Stopped("stopped");
        }
        try {
            sink.rejected(reason, line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped("interrupted");
        }
    }

    /** Waits until an event of this time is due. */
    private void await(long timeMicros) throws InterruptedException {
        if (stopped) {
            throw new Stopped("stopped");
        }
        if (timeMicros == EventTime.UNKNOWN || speed == Double.POSITIVE_INFINITY) {
            return;
        }
        if (t0 == EventTime.UNKNOWN) {
            t0 = timeMicros;
            tMax = timeMicros;
            wallStart = clock.nanoTime();
            return;
        }
        if (timeMicros <= tMax) {
            return;
        }
        tMax = timeMicros;
        long due = wallStart + (long) ((tMax - t0) * 1000.0 / speed);
        long wait;
        while ((wait = due - clock.nanoTime()) > 0) {
            clock.parkNanos(Math.min(wait, 50_000_000L));
            if (Thread.interrupted()) {
                throw new InterruptedException("replay interrupted");
            }
            if (stopped) {
                throw new Stopped("stopped");
            }
        }
    }
}
