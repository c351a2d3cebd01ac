package dev.oauthapi.dpop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.tokens.ServerMac;
import dev.oauthapi.tokens.Sha256;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import dev.oauthapi.testing.TestDpop;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DPoP proof checklist, one refusal a case, with proofs made the way clients make them (jjwt,
 * real P-256 and RSA keys) and, where a client library would refuse to make one, by hand.
 */
class DpopProofsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final URI TOKEN = URI.create("https://auth.example.com/oauth/token");
    private static final DpopProofs.Request REFRESH = new DpopProofs.Request("POST", TOKEN, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(NOW);
    private final DpopProofs proofs = new DpopProofs(Duration.ofSeconds(60), null, clock);
    private final Set<String> seen = new HashSet<>();
    private final KeyPair key = TestDpop.key();

    private String proof(KeyPair pair, String htm, String htu, Instant iat, Map<String, Object> extra) {
        final PublicJwk<?> jwk = Jwks.builder().key(pair.getPublic()).build();
        final var builder = Jwts.builder().header().type("dpop+jwt").add("jwk", jwk).and()
                .id(UUID.randomUUID().toString()).claim("htm", htm).claim("htu", htu).issuedAt(Date.from(iat));
        extra.forEach(builder::claim);
        return builder.signWith(pair.getPrivate(), Jwts.SIG.ES256).compact();
    }

    private String proof() {
        return proof(key, "POST", TOKEN.toString(), NOW, Map.of());
    }

    private DpopProofs.Proof verify(String proof, DpopProofs.Request request) {
        return proofs.verify(List.of(proof), request, seen::add);
    }

    private void refused(Runnable check, String step) {
        assertThatThrownBy(check::run).isInstanceOf(DpopRejected.class)
                .satisfies(e -> assertThat(((DpopRejected) e).step()).as(e.getMessage()).isEqualTo(step));
    }

    /** A JWS with any header, signed by hand (ES256 as JOSE wants it: r and s, 32 bytes each). */
    private static String raw(Map<String, Object> header, Map<String, Object> claims, KeyPair pair) throws Exception {
        final Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        final String input = url.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + url.encodeToString(JSON.writeValueAsBytes(claims));
        final Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(pair.getPrivate());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + url.encodeToString(signature.sign());
    }

    private Map<String, Object> claims() {
        final Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("htm", "POST");
        claims.put("htu", TOKEN.toString());
        claims.put("iat", NOW.getEpochSecond());
        return claims;
    }

    private Map<String, Object> publicJwk() {
        return new LinkedHashMap<>(Jwks.builder().key(key.getPublic()).build());
    }

    @Test
    void aProofMadeAsClientsMakeThemIsAcceptedAndNamesItsKeysThumbprint() {
        final DpopProofs.Proof proof = verify(proof(), REFRESH);
        assertThat(proof.jkt()).isEqualTo(Jwks.builder().key(key.getPublic()).build().thumbprint().toString());
        // Scheme and host in any case, the default port, and a query, are the same URL.
        assertThat(verify(proof(key, "POST", "HTTPS://Auth.Example.com:443/oauth/token?x=1", NOW, Map.of()), REFRESH)
                .jkt()).isEqualTo(proof.jkt());
    }

    @Test
    void eachCheckRefusesByName() throws Exception {
        refused(() -> verify(proof(key, "GET", TOKEN.toString(), NOW, Map.of()), REFRESH), "htm");
        refused(() -> verify(proof(key, "POST", "https://auth.example.com/oauth/revoke", NOW, Map.of()), REFRESH), "htu");
        refused(() -> verify(proof(key, "POST", "https://evil.example.com/oauth/token", NOW, Map.of()), REFRESH), "htu");
        refused(() -> verify(proof(key, "POST", TOKEN.toString(), NOW.minusSeconds(61), Map.of()), REFRESH), "iat");
        refused(() -> verify(proof(key, "POST", TOKEN.toString(), NOW.plusSeconds(61), Map.of()), REFRESH), "iat");
        refused(() -> proofs.verify(List.of(), REFRESH, seen::add), "header");
        refused(() -> proofs.verify(List.of(proof(), proof()), REFRESH, seen::add), "header");

        final String once = proof();
        verify(once, REFRESH);
        refused(() -> verify(once, REFRESH), "jti");

        final Map<String, Object> jwkWithPrivate = publicJwk();
        jwkWithPrivate.put("d", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", jwkWithPrivate),
                claims(), key)), REFRESH), "jwk");
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "ES256"), claims(), key)), REFRESH),
                "jwk");
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "jwt", "alg", "ES256", "jwk", publicJwk()), claims(),
                key)), REFRESH), "typ");
        final Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        refused(() -> verify(url.encodeToString("{\"typ\":\"dpop+jwt\",\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + url.encodeToString(uncheck(() -> JSON.writeValueAsBytes(claims()))) + ".", REFRESH), "alg");
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "HS256", "jwk", publicJwk()), claims(),
                key)), REFRESH), "alg");
        final Map<String, Object> rsaJwk = new LinkedHashMap<>(Jwks.builder().key(uncheck(() -> {
            final KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair();
        }).getPublic()).build());
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", rsaJwk), claims(), key)),
                REFRESH), "jwk");
        refused(() -> verify(uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", publicJwk(),
                "crit", List.of("exp")), claims(), key)), REFRESH), "malformed");
        refused(() -> verify("not.a-jws", REFRESH), "malformed");
        final String signedByAnother = uncheck(() -> raw(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", publicJwk()),
                claims(), TestDpop.key()));
        refused(() -> verify(signedByAnother, REFRESH), "signature");
    }

    @Test
    void withAnAccessTokenTheProofMustCarryItsHash() {
        final DpopProofs.Request call = new DpopProofs.Request("GET", URI.create("https://auth.example.com/api/users/me"),
                "the.access.token");
        refused(() -> verify(proof(key, "GET", call.uri().toString(), NOW, Map.of()), call), "ath");
        refused(() -> verify(proof(key, "GET", call.uri().toString(), NOW, Map.of("ath", Sha256.base64url("other"))),
                call), "ath");
        assertThat(verify(proof(key, "GET", call.uri().toString(), NOW, Map.of("ath",
                Sha256.base64url("the.access.token"))), call).jti()).isNotEmpty();
    }

    @Test
    void withServerNoncesAProofNeedsAFreshOneAndIsJudgedByItsTimeNotTheDevicesClock() {
        final DpopNonces nonces = new DpopNonces(new ServerMac(() -> new byte[32]), clock);
        final DpopProofs withNonces = new DpopProofs(Duration.ofSeconds(60), nonces, clock);
        assertThatThrownBy(() -> withNonces.verify(List.of(proof()), REFRESH, seen::add))
                .isInstanceOf(DpopProofs.UseNonce.class);
        final String nonce = withNonces.nonce();
        // A phone whose clock is an hour off recovers with our nonce.
        assertThat(withNonces.verify(List.of(proof(key, "POST", TOKEN.toString(), NOW.minus(Duration.ofHours(1)),
                Map.of("nonce", nonce))), REFRESH, seen::add).jkt()).isNotEmpty();
        clock.advance(DpopNonces.LIFETIME.plusSeconds(1));
        assertThatThrownBy(() -> withNonces.verify(List.of(proof(key, "POST", TOKEN.toString(), clock.instant(),
                Map.of("nonce", nonce))), REFRESH, seen::add)).isInstanceOf(DpopProofs.UseNonce.class);
        assertThatThrownBy(() -> withNonces.verify(List.of(proof(key, "POST", TOKEN.toString(), clock.instant(),
                Map.of("nonce", "forged"))), REFRESH, seen::add)).isInstanceOf(DpopProofs.UseNonce.class);
    }

    private interface Failing<T> {
        T get() throws Exception;
    }

    private static <T> T uncheck(Failing<T> work) {
        try {
            return work.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A jti is remembered as long as its proof could be accepted: with nonces, as long as the nonce lives. */
    @Test
    void aJtiIsRememberedAsLongAsItsProofCouldPass() {
        final DpopNonces nonces = new DpopNonces(new ServerMac(() -> new byte[32]), clock);
        assertThat(new DpopProofs(Duration.ofSeconds(5), null, clock).replayWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new DpopProofs(Duration.ofSeconds(5), nonces, clock).replayWindow())
                .isEqualTo(DpopNonces.LIFETIME.plus(DpopNonces.ROTATION));
        assertThat(new DpopProofs(Duration.ofMinutes(5), nonces, clock).replayWindow()).isEqualTo(Duration.ofMinutes(10));
    }
}
