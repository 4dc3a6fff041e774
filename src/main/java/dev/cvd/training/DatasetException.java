package dev.cvd.training;

/**
 * The input cannot make a usable dataset or split (a missing column, no labelled rows, too few
 * positives in a split). The message is one line for the user.
 */
public final class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }
}
