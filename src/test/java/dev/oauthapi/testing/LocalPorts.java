package dev.oauthapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/** Ports on 127.0.0.1 for the servers the tests start, and waiting until one listens. */
public final class LocalPorts {
    private LocalPorts() {
    }

    /** A port nothing listens on now (the OS's pick). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns once something accepts connections on the port, or fails after 10 s naming {@code what}. */
    public static void awaitListening(int port, String what) {
        final Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20); // polling a child process's start-up, not waiting for time to pass
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException(what + " did not listen on " + port + " within 10 s");
    }
}
