package dev.oauthapi.cli;

/**
 * A command's deliberate non-zero exit, after it has said why: the process exits with
 * {@link #code()} and nothing more is printed.
 */
public final class CommandExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int REJECTED = 1;
    public static final int USAGE = 2;

    private final int code;

    public CommandExit(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The process's exit code for a command that failed: its own, 2 for a usage error, else 1. */
    public static int codeOf(Throwable error) {
        if (error instanceof CommandExit exit) {
            return exit.code();
        }
        return error instanceof net.sourceforge.argparse4j.inf.ArgumentParserException ? USAGE : REJECTED;
    }
}
