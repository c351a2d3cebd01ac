import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stand-in for Google's sign-in for the benchmark, JDK classes only: one RSA 2048 key published
 * as a JWKS at /keys, and ID tokens minted on request at
 * /mint?count=N&prefix=P[&start=K][&step=S][&randomBelow=M], one token per line, subject P+(K+i*S)
 * (S defaults to 1), or P+r with r random in 1..M when randomBelow is given (existing seeded users). Every token carries a random
 * jti, so two tokens for one subject are still two distinct tokens (the server accepts each once).
 *
 * <p>Usage: java FakeGoogle.java CLIENT_ID PORT_FILE. Listens on 127.0.0.1, on a port of the
 * kernel's choosing, written to PORT_FILE once it serves.
 */
public final class FakeGoogle {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String KEY_ID = "bench-google-key-1";

    private final String clientId;
    private final PrivateKey privateKey;
    private final byte[] jwks;
    private final String encodedHeader;
    // Signing is the costly part: spread it over every core (minting happens before load, never during).
    private final ExecutorService signers =
            Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private FakeGoogle(String clientId) throws GeneralSecurityException {
        this.clientId = clientId;
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        this.privateKey = pair.getPrivate();
        final RSAPublicKey rsa = (RSAPublicKey) pair.getPublic();
        this.jwks = ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"" + KEY_ID + "\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
                + B64.encodeToString(unsigned(rsa.getModulus().toByteArray())) + "\",\"e\":\""
                + B64.encodeToString(unsigned(rsa.getPublicExponent().toByteArray())) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        // Google's own header: alg, kid, typ. No jku/x5u/jwk/x5c/crit (the verifier refuses them).
        this.encodedHeader = b64("{\"alg\":\"RS256\",\"kid\":\"" + KEY_ID + "\",\"typ\":\"JWT\"}");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java FakeGoogle.java CLIENT_ID PORT_FILE");
            System.exit(2);
        }
        final FakeGoogle google = new FakeGoogle(args[0]);
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/keys", exchange -> google.answer(exchange, "application/json", google.jwks));
        server.createContext("/mint", google::mint);
        server.start();
        final Path portFile = Path.of(args[1]);
        final Path partial = Path.of(args[1] + ".tmp");
        Files.writeString(partial, Integer.toString(server.getAddress().getPort()));
        Files.move(partial, portFile); // appears whole: the script polls for it
    }

    private void mint(HttpExchange exchange) throws IOException {
        try (exchange) {
            final Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            final int count;
            final long start;
            final long step;
            final long randomBelow;
            try {
                count = Integer.parseInt(query.getOrDefault("count", "1"));
                start = Long.parseLong(query.getOrDefault("start", "0"));
                step = Long.parseLong(query.getOrDefault("step", "1"));
                randomBelow = Long.parseLong(query.getOrDefault("randomBelow", "0"));
            } catch (NumberFormatException e) {
                answer(exchange, 400, "text/plain", "bad number\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String prefix = query.getOrDefault("prefix", "bench-");
            final long now = System.currentTimeMillis() / 1000;
            final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
            final int chunk = Math.max(1, (count + threads - 1) / threads);
            final Future<?>[] parts = new Future<?>[(count + chunk - 1) / chunk];
            final String[] tokens = new String[count];
            for (int p = 0; p < parts.length; p++) {
                final int from = p * chunk;
                final int to = Math.min(count, from + chunk);
                parts[p] = signers.submit(() -> {
                    try {
                        final Signature signature = Signature.getInstance("SHA256withRSA");
                        for (int i = from; i < to; i++) {
                            final long n = randomBelow > 0 ? 1 + ThreadLocalRandom.current().nextLong(randomBelow) : start + i * step;
                            tokens[i] = token(signature, prefix + n, now);
                        }
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                });
            }
            try {
                for (Future<?> part : parts) {
                    part.get();
                }
            } catch (Exception e) {
                answer(exchange, 500, "text/plain", (e + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new java.io.BufferedOutputStream(exchange.getResponseBody(), 1 << 16)) {
                for (String token : tokens) {
                    out.write(token.getBytes(StandardCharsets.US_ASCII));
                    out.write('\n');
                }
            }
        }
    }

    /** An ID token as Google's SDKs deliver it: azp and aud both the app's client id. */
    private String token(Signature signature, String subject, long now) throws GeneralSecurityException {
        final String claims = "{\"iss\":\"https://accounts.google.com\",\"azp\":\"" + clientId + "\",\"aud\":\"" + clientId
                + "\",\"sub\":\"" + subject + "\",\"email\":\"" + subject + "@gmail.com\",\"email_verified\":true"
                + ",\"name\":\"Bench " + subject + "\",\"iat\":" + (now - 5) + ",\"exp\":" + (now + 3600)
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        final String signingInput = encodedHeader + "." + b64(claims);
        signature.initSign(privateKey);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(signature.sign());
    }

    private void answer(HttpExchange exchange, String type, byte[] body) throws IOException {
        try (exchange) {
            answer(exchange, 200, type, body);
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(String raw) {
        final Map<String, String> values = new HashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** JWK n and e are unsigned big-endian: BigInteger's sign byte must go. */
    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
