package dev.cvd.scoring.stage;

import dev.cvd.scoring.ModelMeta;

/**
 * The result of loading the bundle folder.
 *
 * @param loaded whether the bundle was valid and now serves
 * @param serving the model serving after the load, or null when none does
 * @param previous the model that served before the load, or null
 * @param error why the bundle was refused, or null when it was loaded
 */
public record ReloadOutcome(boolean loaded, ModelMeta serving, ModelMeta previous, String error) {

    static ReloadOutcome loaded(ModelMeta serving, ModelMeta previous) {
        return new ReloadOutcome(true, serving, previous, null);
    }

    static ReloadOutcome failed(ModelMeta serving, ModelMeta previous, String error) {
        return new ReloadOutcome(false, serving, previous, error);
    }
}
