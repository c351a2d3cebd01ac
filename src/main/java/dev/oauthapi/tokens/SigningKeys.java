package dev.oauthapi.tokens;

import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureAlgorithm;
import dev.oauthapi.errors.Misconfiguration;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
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
 * The keys of our access tokens, read once at start-up from {@code JWT_KEYS_DIR}: every
 * {@code <kid>.pem} (PKCS#8, EC P-256 for ES256 or RSA for RS256) verifies, the newest key id signs.
 * Public keys are derived from the private ones, so a key is one file.
 */
public final class SigningKeys {
    /** One key: its id, algorithm, and both halves. */
    public record SigningKey(String keyId, SignatureAlgorithm algorithm, PrivateKey privateKey,
                             PublicKey publicKey, PublicJwk<?> publicJwk) {
    }

    private final SigningKey current;
    private final Map<String, SigningKey> byId;

    private SigningKeys(List<SigningKey> keys) {
        this.current = keys.getLast();
        this.byId = keys.stream().collect(Collectors.toUnmodifiableMap(SigningKey::keyId, Function.identity()));
    }

    /** @throws Misconfiguration when there is no usable key: the service cannot start without one */
    public static SigningKeys load(Path dir) {
        try {
            return new SigningKeys(readAll(dir));
        } catch (IOException e) {
            throw new Misconfiguration("Cannot read the signing keys in " + dir + " (JWT_KEYS_DIR): " + e.getMessage(), e);
        }
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
        return new SigningKey(keyId, algorithm, privateKey, publicJwk.toKey(), publicJwk);
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

    /** The key that signs new tokens: the newest. */
    public SigningKey current() {
        return current;
    }

    public Optional<SigningKey> find(String keyId) {
        return Optional.ofNullable(keyId == null ? null : byId.get(keyId));
    }

    /** Every public key, for {@code /.well-known/jwks.json}. */
    public List<PublicJwk<?>> publicJwks() {
        return byId.values().stream()
                .sorted(Comparator.comparing(SigningKey::keyId).reversed())
                .<PublicJwk<?>>map(SigningKey::publicJwk)
                .toList();
    }
}
