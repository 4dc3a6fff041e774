package dev.cvd.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test recordings on the classpath, under {@code recordings/}. */
final class Fixtures {

    private Fixtures() {}

    static Path path(String name) {
        URL url = Fixtures.class.getResource("/recordings/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture recordings/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The golden transcript of a fixture: {@code recordings/<name up to the first dot>.golden}. */
    static List<String> golden(String fixture) {
        String stem = fixture.substring(0, fixture.indexOf('.'));
        try {
            return Files.readAllLines(path(stem + ".golden"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a whole fixture with a fresh reader. */
    static Transcript read(String fixture, FieldMapping mapping) {
        Transcript t = new Transcript();
        try {
            new RecordingReader(mapping).read(path(fixture), t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }
}
