package dev.oauthapi.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One kept-alive HTTP/1.1 connection, driven by hand: what a pooled client does, without the
 * silent retries that would hide a connection the server closed under it. Reads each answer whole
 * (Content-Length or chunked) and tells whether the server said {@code Connection: close}.
 */
public final class KeepAlive implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public KeepAlive(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public record Answer(int status, Map<String, String> headers, String body) {
        /** The server will close the connection after this answer, and said so. */
        public boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    /** Writes {@code request} (head and any body, as given) and reads one whole answer. */
    public Answer exchange(String request) throws IOException {
        write(request);
        return read();
    }

    public void write(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public Answer read() throws IOException {
        final String statusLine = line();
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: [" + statusLine + "]");
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            final int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip());
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (headers.containsKey("content-length")) {
            final int length = Integer.parseInt(headers.get("content-length"));
            final byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("answer cut short");
            }
            body.write(bytes);
        }
        return new Answer(Integer.parseInt(statusLine.substring(9, 12)), headers,
                body.toString(StandardCharsets.UTF_8));
    }

    /** True when the server has closed its side cleanly (FIN, no reset) and sent nothing more. */
    public boolean closedCleanly() throws IOException {
        return in.read() == -1;
    }

    private String line() throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new EOFException("connection closed" + (line.size() > 0 ? " mid-line" : ""));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
