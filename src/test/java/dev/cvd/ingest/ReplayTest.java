package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing against a simulated clock: events go out exactly when due, without drift. */
class ReplayTest {

    /** A clock that only moves when the replay waits on it. */
    private static final class SimulatedClock implements Replay.Clock {
        long now = 1_000_000_000L;
        long waits;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void parkNanos(long nanos) {
            now += nanos;
            waits++;
        }
    }

    private static Quote quote(long timeMicros) {
        return new Quote("BTC-USD", timeMicros, 100, 1, 101, 1);
    }

    private static List<Long> sendTimes(double speed, List<MarketEvent> events) {
        SimulatedClock clock = new SimulatedClock();
        List<Long> sent = new ArrayList<>();
        Replay replay =
                new Replay(
                        speed,
                        new Replay.Sink() {
                            @Override
                            public void event(MarketEvent event) {
                                sent.add(clock.now - 1_000_000_000L);
                            }

                            @Override
                            public void rejected(String reason, String line) {}
                        },
                        clock);
        events.forEach(replay::onEvent);
        return sent;
    }

    @Test
    void eachEventGoesOutWhenItsRecordingTimeDividedBySpeedIsDue() {
        List<MarketEvent> events =
                List.of(quote(0), quote(1_000_000), quote(1_500_000), quote(4_000_000));
        assertThat(sendTimes(2, events))
                .containsExactly(0L, 500_000_000L, 750_000_000L, 2_000_000_000L);
    }

    @Test
    void aLongRecordingDoesNotDrift() {
        // 100,000 events 13 ms apart: a sum of rounded sleeps would drift; the schedule does not.
        List<MarketEvent> events = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            events.add(quote(i * 13_000L));
        }
        List<Long> sent = sendTimes(3, events);
        assertThat(sent.get(sent.size() - 1)).isEqualTo((long) (99_999 * 13_000L * 1000.0 / 3));
    }

    @Test
    void lateOrUntimedEventsGoOutAtOnceAndTimeNeverRunsBackwards() {
        List<MarketEvent> events =
                List.of(
                        quote(10_000_000),
                        quote(12_000_000),
                        quote(11_000_000), // late in the recording: now
                        quote(EventTime.UNKNOWN), // no time: now
                        quote(13_000_000));
        assertThat(sendTimes(1, events))
                .containsExactly(
                        0L, 2_000_000_000L, 2_000_000_000L, 2_000_000_000L, 3_000_000_000L);
    }

    @Test
    void maxSpeedNeverWaits() {
        assertThat(sendTimes(Double.POSITIVE_INFINITY, List.of(quote(0), quote(60_000_000))))
                .containsExactly(0L, 0L);
    }

    @Test
    void aStoppedReplayUnwindsTheReader() {
        Replay replay =
                new Replay(
                        Double.POSITIVE_INFINITY,
                        new Replay.Sink() {
                            @Override
                            public void event(MarketEvent event) {}

                            @Override
                            public void rejected(String reason, String line) {}
                        });
        replay.onEvent(quote(0));
        replay.stop();
        assertThatThrownBy(() -> replay.onEvent(quote(1))).isInstanceOf(Replay.Stopped.class);
    }

    @Test
    void speedIsAPositiveNumberOrMax() {
        assertThat(Replay.parseSpeed("max")).isInfinite();
        assertThat(Replay.parseSpeed(" 2.5 ")).isEqualTo(2.5);
        for (String bad : List.of("0", "-1", "fast", "NaN", "Infinity", "")) {
            assertThatThrownBy(() -> Replay.parseSpeed(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positive number or 'max'");
        }
    }
}
