package dev.cvd.cli;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * Entry point of the {@code cvd} application.
 *
 * <p>Every command runs in the same Quarkus application, but only {@code serve} is the service: the
 * other commands (offline work, replay onto a broker) run under the {@code cli} configuration
 * profile, which switches off the HTTP server, the messaging channels and the embedded broker. The
 * profile must be chosen before Quarkus reads its configuration, hence this main method; an
 * explicit {@code quarkus.profile} (system property or {@code QUARKUS_PROFILE}) wins.
 */
@QuarkusMain
public class CvdMain implements QuarkusApplication {

    /** The profile of the commands that are not the service. */
    static final String CLI_PROFILE = "cli";

    private final CommandLine commandLine;

    public CvdMain(CommandLine commandLine) {
        this.commandLine = commandLine;
    }

    public static void main(String... args) {
        if (System.getProperty("quarkus.profile") == null
                && System.getenv("QUARKUS_PROFILE") == null
                && !isDevMode()
                && !isServe(args)) {
            System.setProperty("quarkus.profile", CLI_PROFILE);
        }
        Quarkus.run(CvdMain.class, CvdMain::exit, args);
    }

    /**
     * Ends the process. A failure to start (the broker's port in use, a bad setting, an unreachable
     * model) is one line naming its cause, not Quarkus' start-up stack trace, which is silenced in
     * {@code application.properties} ({@code io.quarkus.runtime.Application}); set that category to
     * ERROR to see it.
     */
    private static void exit(int code, Throwable failure) {
        if (failure != null) {
            System.err.println("cvd: cannot start: " + cause(failure));
        }
        System.exit(code);
    }

    /** The innermost cause's message, with its type when it is not one of ours. */
    static String cause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        boolean ours =
                root instanceof IllegalStateException || root instanceof IllegalArgumentException;
        if (ours && !message.isBlank()) {
            return message;
        }
        String type = root.getClass().getSimpleName();
        return message.isBlank() ? type : type + ": " + message;
    }

    @Override
    public int run(String... args) {
        if (args.length == 0 && LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            args = new String[] {"serve"}; // quarkus dev runs the service
        }
        commandLine.setParameterExceptionHandler(CvdMain::usageError);
        return commandLine.execute(args);
    }

    /** A bad option or argument: one line and a pointer to --help, not the whole usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr()
                .println(
                        cmd.getCommandSpec().qualifiedName()
                                + ": "
                                + e.getMessage()
                                + " (see "
                                + cmd.getCommandSpec().qualifiedName()
                                + " --help)");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * {@code quarkus dev} also calls this main method, before the launch mode is known; its
     * bootstrap property tells it apart. Dev mode runs the service.
     */
    private static boolean isDevMode() {
        return System.getProperty("quarkus-internal.serialized-app-model.path") != null;
    }

    /**
     * Whether the arguments start the service: the first word that is not an option names the
     * {@code serve} command, and no help or version is asked for (those print and exit, and need no
     * broker).
     */
    static boolean isServe(String[] args) {
        boolean serve = false;
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
            if (!serve && !a.startsWith("-")) {
                if (!a.equals("serve")) {
                    return false;
                }
                serve = true;
            }
        }
        return serve;
    }
}
