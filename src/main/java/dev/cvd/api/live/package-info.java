/**
 * The live prediction stream of the api module: {@code /ws/predictions}, a WebSocket that sends
 * every stream prediction of this instance, with the quote's mid price and a few key features, to
 * any number of clients (the live page at {@code /} is one of them).
 *
 * <p>Predictions come from {@link dev.cvd.scoring.stage.ScoredRow} events of the scoring stage.
 * Sending never blocks that stage: each connection has a bounded queue, written in batches; a
 * client that keeps up gets every prediction, one that does not gets fewer (when its queue is full,
 * a new message replaces the oldest waiting one of its product), and memory stays bounded.
 */
package dev.cvd.api.live;
