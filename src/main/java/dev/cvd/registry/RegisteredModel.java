package dev.cvd.registry;

import java.util.Map;

/**
 * A registered model.
 *
 * @param name its name
 * @param aliases alias to version
 * @param description its description, or empty
 */
public record RegisteredModel(String name, Map<String, String> aliases, String description) {

    public RegisteredModel {
        aliases = Map.copyOf(aliases);
    }
}
