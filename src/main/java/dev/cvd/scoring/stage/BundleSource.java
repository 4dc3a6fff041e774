package dev.cvd.scoring.stage;

import java.nio.file.Path;

/**
 * Where bundles come from when the model is not a plain folder: a model registry, for example, that
 * resolves {@code cvd.scoring.model-uri} to a version and fetches its bundle into a local cache.
 * The implementation lives outside this module (it may use modules scoring may not); {@link
 * ModelService} only sees folders, and loads each through the same validated path as a file reload.
 *
 * <p>Called from one thread at a time (start-up, the registry poller, the admin reload).
 */
public interface BundleSource {

    /**
     * @return what this source follows, {@code models:/NAME@ALIAS} for example
     */
    String describe();

    /**
     * Resolves the model now and makes its bundle available as a local folder.
     *
     * @return the folder to serve and, when the source could not be asked, why the folder may be
     *     stale; or no folder and the reason
     */
    Fetch fetch();

    /**
     * The result of a fetch.
     *
     * @param directory the bundle folder to serve, or null when there is none
     * @param label what the folder holds, {@code "version 3"} for example, or null
     * @param problem null when the source answered; otherwise why it did not (with a folder: the
     *     last cached one serves, degraded; without: no model)
     */
    record Fetch(Path directory, String label, String problem) {

        /** The source answered: serve this folder. */
        public static Fetch current(Path directory, String label) {
            return new Fetch(directory, label, null);
        }

        /** The source did not answer; this cached folder is the best there is. */
        public static Fetch cached(Path directory, String label, String problem) {
            return new Fetch(directory, label, problem);
        }

        /** Nothing to serve, and why. */
        public static Fetch unavailable(String problem) {
            return new Fetch(null, null, problem);
        }
    }
}
