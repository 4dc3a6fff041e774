/**
 * The command line: the {@code cvd} top command and its subcommands ({@code features}, and the
 * service and tools as they arrive). A thin layer that parses options, wires the modules together
 * and reports progress and summaries; it may use every other module and none may use it.
 */
package dev.cvd.cli;
