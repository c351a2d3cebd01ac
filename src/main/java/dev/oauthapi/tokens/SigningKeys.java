package dev.oauthapi.tokens;

import dev.oauthapi.errors.Misconfiguration;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The keys of our access tokens, from {@code JWT_KEYS_DIR}: every {@code <kid>.pem} (PKCS#8, EC
 * P-256 for ES256 or RSA for RS256) verifies and is published at once; a key signs only once it is
 * {@code activationDelay} old (by the creation time its key id starts with), so that every instance
 * and every JWKS cache has it before any token uses it. The newest such key signs; while none is
 * old enough (a fresh install), the oldest one does. Public keys are derived from the private ones,
 * so a key is one file. The folder is read again by {@link #reload} (every minute, see
 * {@link SigningKeyReload}): adding or removing a key needs no restart.
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final DateTimeFormatter KEY_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** One key: its id, algorithm, both halves, and when it was made. */
    public record SigningKey(String keyId, SignatureAlgorithm algorithm, PrivateKey privateKey,
                             PublicKey publicKey, PublicJwk<?> publicJwk, Instant createdAt) {
    }

    /** The keys as last read, oldest first. */
    private record Snapshot(List<SigningKey> keys, Map<String, SigningKey> byId) {
        static Snapshot of(List<SigningKey> keys) {
            final List<SigningKey> sorted = keys.stream()
                    .sorted(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::keyId)).toList();
            return new Snapshot(sorted,
                    keys.stream().collect(Collectors.toUnmodifiableMap(SigningKey::keyId, Function.identity())));
        }
    }

    private final Path dir;
    private final Duration activationDelay;
    private final Clock clock;
    private volatile Snapshot snapshot;
    /** When this instance first read each key that appeared after it started (copied in later). */
    private final Map<String, Instant> seenLater = new java.util.concurrent.ConcurrentHashMap<>();

    private SigningKeys(Path dir, Duration activationDelay, Clock clock, List<SigningKey> keys) {
        this.dir = dir;
        this.activationDelay = activationDelay;
        this.clock = clock;
        this.snapshot = Snapshot.of(keys);
    }

    /** Without an activation delay: the newest key signs at once (tools and tests). */
    public static SigningKeys load(Path dir) {
        return load(dir, Duration.ZERO, Clock.systemUTC());
    }

    /** @throws Misconfiguration when there is no usable key: the service cannot start without one */
    public static SigningKeys load(Path dir, Duration activationDelay, Clock clock) {
        try {
            return new SigningKeys(dir, activationDelay, clock, readAll(dir));
        } catch (IOException e) {
            throw new Misconfiguration("Cannot read the signing keys in " + dir + " (JWT_KEYS_DIR): " + e.getMessage(), e);
        }
    }

    /**
     * Reads the folder again. A folder that cannot be read, or holds a bad or no key, changes
     * nothing: the keys in use stay, and the problem is logged.
     */
    public void reload() {
        try {
            final List<SigningKey> keys = readAll(dir);
            final Snapshot previous = snapshot;
            final Instant now = clock.instant();
            keys.stream().filter(key -> !previous.byId().containsKey(key.keyId()))
                    .forEach(key -> seenLater.putIfAbsent(key.keyId(), now));
            seenLater.keySet().retainAll(keys.stream().map(SigningKey::keyId).toList());
            snapshot = Snapshot.of(keys);
            if (!previous.byId().keySet().equals(snapshot.byId().keySet())) {
                LOG.info("Signing keys now {} (signing with {})", snapshot.byId().keySet(), current().keyId());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the signing keys in {} again; keeping the {} in use: {}", dir,
                    snapshot.keys().size(), e.getMessage());
        }
    }

    /**
     * When a key starts signing: the activation delay after it was made, or after this instance
     * first read it, whichever is later (a key made earlier and copied in now still waits, so
     * every JWKS cache has it first).
     */
    public Instant activeFrom(SigningKey key) {
        final Instant seen = seenLater.get(key.keyId());
        final Instant published = seen != null && seen.isAfter(key.createdAt()) ? seen : key.createdAt();
        return published.plus(activationDelay);
    }

    private static List<SigningKey> readAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new Misconfiguration("The signing key folder " + dir + " does not exist: create a key with "
                    + "'java -jar oauth-api.jar keys generate' (JWT_KEYS_DIR).");
        }
        final List<SigningKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SigningKeyFiles.SUFFIX))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList()) {
                keys.add(read(file));
            }
        }
        if (keys.isEmpty()) {
            throw new Misconfiguration("There is no signing key (*.pem) in " + dir + ": create one with "
                    + "'java -jar oauth-api.jar keys generate' (JWT_KEYS_DIR).");
        }
        return keys;
    }

    private static SigningKey read(Path file) throws IOException {
        final String name = file.getFileName().toString();
        final String keyId = name.substring(0, name.length() - SigningKeyFiles.SUFFIX.length());
        final String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
        }
        final byte[] der = Base64.getMimeDecoder().decode(pem
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", ""));
        final PrivateKey privateKey = parse(file, der);
        final SignatureAlgorithm algorithm = switch (privateKey) {
            case ECPrivateKey ec when ec.getParams().getCurve().getField().getFieldSize() == 256 -> Jwts.SIG.ES256;
            case RSAPrivateKey rsa when rsa.getModulus().bitLength() >= 2048 -> Jwts.SIG.RS256;
            default -> throw new IOException(file + " is neither an EC P-256 key nor an RSA key of 2048 bits or more");
        };
        final PrivateJwk<?, ?, ?> jwk = Jwks.builder().key(privateKey).id(keyId).algorithm(algorithm.getId()).build();
        final PublicJwk<?> publicJwk = jwk.toPublicJwk();
        return new SigningKey(keyId, algorithm, privateKey, publicJwk.toKey(), publicJwk, createdAt(file, keyId));
    }

    /**
     * When a key became this folder's: the time its id starts with ({@code keys generate} writes
     * it) or the file's modification time, whichever is later. A key made long ago and copied in
     * now (a new image, a synced folder) is thus new here, and an instance that starts with it
     * still waits the activation delay before signing: the instances that do not have it yet
     * would refuse its tokens.
     */
    static Instant createdAt(Path file, String keyId) throws IOException {
        final Instant modified = Files.getLastModifiedTime(file).toInstant();
        if (keyId.length() >= 16) {
            try {
                final Instant named = KEY_ID_TIME.parse(keyId.substring(0, 16), Instant::from);
                return named.isAfter(modified) ? named : modified;
            } catch (DateTimeParseException notOurs) {
                // a key named by hand
            }
        }
        return modified;
    }

    private static PrivateKey parse(Path file, byte[] der) throws IOException {
        for (String type : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisType) {
                // try the next key type
            }
        }
        throw new IOException(file + " holds no EC or RSA private key");
    }

    /** The key that signs new tokens now: the newest that is old enough, else the oldest. */
    public SigningKey current() {
        final List<SigningKey> keys = snapshot.keys();
        final Instant now = clock.instant();
        for (int i = keys.size() - 1; i >= 0; i--) {
            if (!now.isBefore(activeFrom(keys.get(i)))) {
                return keys.get(i);
            }
        }
        return keys.getFirst();
    }

    public Optional<SigningKey> find(String keyId) {
        return Optional.ofNullable(keyId == null ? null : snapshot.byId().get(keyId));
    }

    /** Every public key, for {@code /.well-known/jwks.json}: published at once, before it signs. */
    public List<PublicJwk<?>> publicJwks() {
        return snapshot.byId().values().stream()
                .sorted(Comparator.comparing(SigningKey::keyId).reversed())
                .<PublicJwk<?>>map(SigningKey::publicJwk)
                .toList();
    }

    /**
     * The key of a token we signed, found by its {@code kid} and only for that key's own algorithm:
     * everything a verifier of our tokens (access tokens, app tokens) must pin.
     */
    public Locator<Key> verifier() {
        return new LocatorAdapter<>() {
            @Override
            protected Key locate(JwsHeader header) {
                // jjwt's own exception: its parsers turn it into a refusal, never an error.
                final SigningKey key = find(header.getKeyId())
                        .orElseThrow(() -> new io.jsonwebtoken.security.SecurityException("unknown key id"));
                if (!key.algorithm().getId().equals(header.getAlgorithm())) {
                    throw new io.jsonwebtoken.security.SecurityException("algorithm does not match the key");
                }
                return key.publicKey();
            }
        };
    }

    /**
     * A parser of our own tokens of one issuer and audience, at the service's clock, with the key
     * found by {@link #verifier()}. It is immutable and thread-safe: build it once.
     */
    public io.jsonwebtoken.JwtParser parser(String issuer, String audience, java.time.Clock clock) {
        return Jwts.parser().keyLocator(verifier()).requireIssuer(issuer).requireAudience(audience)
                .clock(() -> java.util.Date.from(clock.instant())).build();
    }
}
