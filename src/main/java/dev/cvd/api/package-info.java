/**
 * The api module: REST ({@code /predict}, {@code /health}, {@code /version}, {@code /metrics}) and
 * WebSocket endpoints.
 *
 * <p>May depend on {@code scoring}, {@code features} and, for health only, {@code ingest}.
 */
package dev.cvd.api;
