import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's software authenticator: synced passkeys (backup eligible and backed up, counter
 * 0, as Google Password Manager and iCloud Keychain send them) with real ES256 keys. The
 * attestation's CBOR is webauthn4j's (from the service's jar), the client data is JSON.
 *
 * <pre>
 * java -cp oauth-api.jar bench/Passkeys.java register API ORIGIN RP_ID ACCESS_TOKENS_FILE KEYS_OUT
 *     registers one passkey for each user of the access tokens; writes id, user handle, key per line
 * java -cp oauth-api.jar bench/Passkeys.java mint API ORIGIN RP_ID KEYS_FILE COUNT BODIES_OUT
 *     COUNT sign-in bodies, each with a challenge of its own from the service, keys round robin
 * </pre>
 */
public final class Passkeys {
    private static final Pattern CHALLENGE = Pattern.compile("\"challenge\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern USER_ID = Pattern.compile("\"user\"\\s*:\\s*\\{[^}]*\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final byte FLAGS = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV
            | AuthenticatorData.BIT_BE | AuthenticatorData.BIT_BS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Key(String credentialId, String userHandle, PrivateKey key) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 6 && args[0].equals("register")) {
            register(args[1], args[2], args[3], Path.of(args[4]), Path.of(args[5]));
        } else if (args.length == 7 && args[0].equals("mint")) {
            mint(args[1], args[2], args[3], Path.of(args[4]), Integer.parseInt(args[5]), Path.of(args[6]));
        } else {
            System.err.println("usage: register API ORIGIN RP_ID ACCESS_TOKENS_FILE KEYS_OUT"
                    + " | mint API ORIGIN RP_ID KEYS_FILE COUNT BODIES_OUT");
            System.exit(2);
        }
    }

    private static void register(String api, String origin, String rpId, Path accessTokens, Path out) throws Exception {
        final ObjectConverter converter = new ObjectConverter();
        final SecureRandom random = new SecureRandom();
        final List<String> lines = new ArrayList<>();
        for (String token : Files.readAllLines(accessTokens)) {
            if (token.isBlank()) {
                continue;
            }
            final String options = post(api + "/api/auth/passkeys/registration/options", "{}", token, 200);
            final String challenge = group(CHALLENGE, options);
            final String userHandle = group(USER_ID, options);
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            final KeyPair pair = generator.generateKeyPair();
            final byte[] credentialId = new byte[32];
            random.nextBytes(credentialId);
            final AuthenticatorData<?> data = new AuthenticatorData<>(sha256(rpId),
                    (byte) (FLAGS | AuthenticatorData.BIT_AT), 0, new AttestedCredentialData(AAGUID.ZERO, credentialId,
                    EC2COSEKey.create(pair, COSEAlgorithmIdentifier.ES256)));
            @SuppressWarnings("unchecked")
            final byte[] attestation = new AttestationObjectConverter(converter).convertToBytes(
                    new AttestationObject((AuthenticatorData) data, new NoneAttestationStatement()));
            final String body = "{\"credential\":{\"id\":\"" + B64.encodeToString(credentialId) + "\",\"rawId\":\""
                    + B64.encodeToString(credentialId) + "\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\""
                    + B64.encodeToString(clientData("webauthn.create", challenge, origin)) + "\",\"attestationObject\":\""
                    + B64.encodeToString(attestation) + "\",\"transports\":[\"internal\",\"hybrid\"]}}}";
            post(api + "/api/auth/passkeys/registration", body, token, 201);
            lines.add(B64.encodeToString(credentialId) + " " + userHandle + " "
                    + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        }
        Files.write(out, lines);
        System.out.println("registered " + lines.size() + " passkeys");
    }

    private static void mint(String api, String origin, String rpId, Path keysFile, int count, Path out)
            throws Exception {
        final KeyFactory factory = KeyFactory.getInstance("EC");
        final List<Key> keys = new ArrayList<>();
        for (String line : Files.readAllLines(keysFile)) {
            final String[] parts = line.split(" ");
            keys.add(new Key(parts[0], parts[1],
                    factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[2])))));
        }
        final byte[] authenticatorData = ByteBuffer.allocate(37).put(sha256(rpId)).put(FLAGS).putInt(0).array();
        // A few at a time, like apps would: enough to be quick, not a load test of its own.
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        final List<Future<String>> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final Key key = keys.get(i % keys.size());
            bodies.add(pool.submit(() -> {
                final String challenge = group(CHALLENGE,
                        post(api + "/api/auth/passkeys/authentication/options", "{}", null, 200));
                final byte[] clientData = clientData("webauthn.get", challenge, origin);
                final ByteArrayOutputStream signed = new ByteArrayOutputStream();
                signed.write(authenticatorData);
                signed.write(MessageDigest.getInstance("SHA-256").digest(clientData));
                final Signature signature = Signature.getInstance("SHA256withECDSA");
                signature.initSign(key.key());
                signature.update(signed.toByteArray());
                return "{\"credential\":{\"id\":\"" + key.credentialId() + "\",\"rawId\":\"" + key.credentialId()
                        + "\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"" + B64.encodeToString(clientData)
                        + "\",\"authenticatorData\":\"" + B64.encodeToString(authenticatorData) + "\",\"signature\":\""
                        + B64.encodeToString(signature.sign()) + "\",\"userHandle\":\"" + key.userHandle()
                        + "\"}},\"device\":{\"platform\":\"ios\",\"name\":\"wrk\",\"appVersion\":\"3.0.0\"}}";
            }));
        }
        final List<String> lines = new ArrayList<>(count);
        for (Future<String> body : bodies) {
            lines.add(body.get());
        }
        pool.shutdown();
        Files.write(out, lines);
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private static String post(String url, String body, String bearer, int expected) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        final HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new IllegalStateException(url + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    private static String group(Pattern pattern, String text) {
        final Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("not in the answer: " + pattern);
        }
        return matcher.group(1);
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
