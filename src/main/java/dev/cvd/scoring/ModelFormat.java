package dev.cvd.scoring;

import java.nio.file.Path;
import java.util.Locale;

/** The two file formats XGBoost 3.x saves a model in, told apart by the file name extension. */
public enum ModelFormat {
    /** XGBoost JSON ({@code .json}). */
    JSON(".json"),
    /** XGBoost Universal Binary JSON ({@code .ubj}). */
    UBJ(".ubj");

    private final String extension;

    ModelFormat(String extension) {
        this.extension = extension;
    }

    /**
     * @return the file name extension, with its dot
     */
    public String extension() {
        return extension;
    }

    /**
     * @param file a model file
     * @return the format its extension names
     * @throws InvalidModelException if the extension is neither {@code .json} nor {@code .ubj}
     */
    public static ModelFormat of(Path file) throws InvalidModelException {
        String name = String.valueOf(file.getFileName());
        String lower = name.toLowerCase(Locale.ROOT);
        for (ModelFormat format : values()) {
            if (lower.endsWith(format.extension)) {
                return format;
            }
        }
        throw new InvalidModelException(
                name + ": unknown model format (expected a .json or .ubj file name)");
    }
}
