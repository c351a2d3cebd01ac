import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * DPoP proofs for the bench's bound refresh workload, minted before a phase as a client would make
 * them one at a time (RFC 9449 §4.2: P-256, ES256, a fresh jti, iat now), each sent once. Every
 * session of the chain is bound to the one key kept in KEY_FILE: what the service checks per request
 * is the same as with one key per device.
 *
 *   java -cp oauth-api.jar bench/Dpop.java KEY_FILE HTU COUNT OUT_FILE
 */
public final class Dpop {
    public static void main(String[] args) throws Exception {
        final Path keyFile = Path.of(args[0]);
        final String htu = args[1];
        final int count = Integer.parseInt(args[2]);
        final KeyPair key = key(keyFile);
        final var jwk = Jwks.builder().key(key.getPublic()).build();
        final Date now = new Date();
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[3]))) {
            for (int i = 0; i < count; i++) {
                out.write(Jwts.builder().header().type("dpop+jwt").add("jwk", jwk).and().id(UUID.randomUUID().toString())
                        .claim("htm", "POST").claim("htu", htu).issuedAt(now)
                        .signWith(key.getPrivate(), Jwts.SIG.ES256).compact());
                out.write('\n');
            }
        }
        System.out.println("minted " + count + " DPoP proofs");
    }

    /** The chain's key: made once, then read back, so the sessions bound in the warm-up stay bound to it. */
    private static KeyPair key(Path file) throws Exception {
        final KeyFactory ec = KeyFactory.getInstance("EC");
        if (Files.exists(file)) {
            final String[] parts = Files.readString(file).strip().split("\\.");
            return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[0]))),
                    (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[1]))));
        }
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        final KeyPair pair = generator.generateKeyPair();
        Files.writeString(file, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "."
                + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        return pair;
    }
}
