package dev.cvd.scoring.stage;

import java.time.Instant;

/**
 * A bundle that was refused.
 *
 * @param reason what is wrong and where, from the loader
 * @param at when the load was tried
 * @param trigger what started the load: startup, poll or admin
 */
public record ReloadFailure(String reason, Instant at, String trigger) {}
