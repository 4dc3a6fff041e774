package dev.cvd.registry;

/**
 * An entry of an artifact folder listing.
 *
 * @param name the file or folder name, without its parent path
 * @param directory whether it is a folder
 * @param size the file size in bytes, 0 for a folder
 */
public record ArtifactFile(String name, boolean directory, long size) {}
