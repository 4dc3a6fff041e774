package dev.cvd.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header line of a CSV recording: column names, in order, and the separator ({@code ,}, tab or
 * {@code ;}). Cells may be quoted with {@code "} (RFC 4180, a doubled quote stands for one); a
 * record must fit on one line.
 */
final class CsvHeader {

    private final char separator;
    private final List<String> names;
    private final Map<String, Integer> index;

    private CsvHeader(char separator, List<String> names) {
        this.separator = separator;
        this.names = List.copyOf(names);
        this.index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.putIfAbsent(names.get(i), i);
        }
    }

    /**
     * Recognises a header line: at least two cells, every cell a name (starting with a letter or
     * {@code _}), and at least one name that the mapping knows.
     *
     * @return the header, or null if the line is not one
     */
    static CsvHeader detect(String line, FieldMapping mapping) {
        char sep = separatorOf(line);
        if (sep == 0) {
            return null;
        }
        List<String> cells = split(line, sep);
        if (cells.size() < 2) {
            return null;
        }
        List<String> names = new ArrayList<>(cells.size());
        for (String cell : cells) {
            String name = cell.trim();
            if (name.isEmpty()) {
                return null;
            }
            char c = name.charAt(0);
            if (!(Character.isLetter(c) || c == '_')) {
                return null;
            }
            names.add(name);
        }
        for (FieldMapping.Field f : FieldMapping.Field.values()) {
            for (String column : mapping.columns(f)) {
                if (names.contains(column)) {
                    return new CsvHeader(sep, names);
                }
            }
        }
        return null;
    }

    private static char separatorOf(String line) {
        if (line.indexOf(',') >= 0) {
            return ',';
        }
        if (line.indexOf('\t') >= 0) {
            return '\t';
        }
        if (line.indexOf(';') >= 0) {
            return ';';
        }
        return 0;
    }

    char separator() {
        return separator;
    }

    int size() {
        return names.size();
    }

    /** The position of a column, or -1. */
    int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** Splits one record into cells, unquoting quoted ones. */
    static List<String> split(String line, char sep) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == sep) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
