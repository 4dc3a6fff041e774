package dev.cvd.registry;

import java.util.Objects;

/**
 * A registered model reference: {@code models:/NAME@ALIAS} (the version the alias points to, which
 * can move) or {@code models:/NAME/VERSION} (one fixed version).
 *
 * @param name the registered model
 * @param alias the alias, or null for a fixed version
 * @param version the version, or null for an alias
 */
public record ModelUri(String name, String alias, String version) {

    /** The URI scheme prefix. */
    public static final String PREFIX = "models:/";

    public ModelUri {
        Objects.requireNonNull(name, "name");
        if ((alias == null) == (version == null)) {
            throw new IllegalArgumentException("a model URI names an alias or a version");
        }
    }

    /**
     * @return whether the text is a {@code models:/} URI
     */
    public static boolean isModelUri(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /**
     * Parses {@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION}.
     *
     * @throws IllegalArgumentException with the expected forms, for anything else
     */
    public static ModelUri parse(String text) {
        if (!isModelUri(text)) {
            throw invalid(text);
        }
        String rest = text.substring(PREFIX.length());
        int at = rest.lastIndexOf('@');
        if (at > 0 && at < rest.length() - 1 && rest.indexOf('/') < 0) {
            return new ModelUri(rest.substring(0, at), rest.substring(at + 1), null);
        }
        int slash = rest.lastIndexOf('/');
        if (slash > 0 && slash < rest.length() - 1) {
            String version = rest.substring(slash + 1);
            String name = rest.substring(0, slash);
            if (version.matches("[0-9]+") && name.indexOf('@') < 0) {
                return new ModelUri(name, null, version);
            }
        }
        throw invalid(text);
    }

    /**
     * @return whether this follows an alias
     */
    public boolean isAlias() {
        return alias != null;
    }

    @Override
    public String toString() {
        return PREFIX + name + (alias != null ? "@" + alias : "/" + version);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "not a model URI: '"
                        + text
                        + "'; expected models:/NAME@ALIAS or models:/NAME/VERSION");
    }
}
