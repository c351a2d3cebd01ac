package dev.oauthapi.identity;

import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestTokens;
import dev.oauthapi.tokens.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each check of the provider-token checklist, on its own, with a fixed clock. */
class IdTokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final String CLIENT = "ios.apps.example";
    private static final String OTHER_CLIENT = "android.apps.example";
    private static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    private static final FakeProvider.SigningKey STRANGER = FakeProvider.newKey(GOOGLE.currentKey().keyId());

    @AfterAll
    static void stop() {
        GOOGLE.close();
    }

    private static IdTokenVerifier verifier(boolean requireNonce) {
        return new IdTokenVerifier(Provider.GOOGLE, Set.of(CLIENT, OTHER_CLIENT), KeySource.of(GOOGLE.jwks()),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1), requireNonce);
    }

    private static TestTokens.Builder token() {
        return GOOGLE.token(CLIENT, "1234567890").at(NOW).email("Ada@Example.com", true);
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                rejected("garbage", b -> "not-a-jwt", "format"),
                rejected("padded signature (a second spelling of one token)", b -> b.build() + "=", "format"),
                rejected("signature with stray low bits", b -> strayBits(b.build()), "format"),
                rejected("alg none", TestTokens.Builder::buildUnsigned, "algorithm"),
                rejected("HS256 keyed with the public key", b -> b.buildHmac(
                        GOOGLE.currentKey().pair().getPublic().getEncoded()), "algorithm"),
                rejected("RS512", b -> b.header("alg", "RS512").build(), "algorithm"),
                rejected("jku header", b -> b.header("jku", "https://evil.example/keys").build(), "header"),
                rejected("x5u header", b -> b.header("x5u", "https://evil.example/cert").build(), "header"),
                rejected("jwk header", b -> b.header("jwk", java.util.Map.of("kty", "RSA")).build(), "header"),
                rejected("unknown crit", b -> b.header("crit", List.of("exp")).build(), "header"),
                rejected("no kid", b -> b.header("kid", null).build(), "header"),
                rejected("unknown kid", b -> b.header("kid", "nobody").build(), "key"),
                rejected("signed by another key", b -> b.signedBy(STRANGER).build(), "signature"),
                rejected("payload changed after signing", b -> tamper(b.build()), "signature"),
                rejected("wrong issuer", b -> b.claim("iss", "https://accounts.evil.example").build(), "issuer"),
                rejected("wrong audience", b -> b.claim("aud", "someone.else").build(), "audience"),
                rejected("audience array with a stranger", b -> b.claim("aud", List.of(CLIENT, "someone.else")).build(), "audience"),
                rejected("untrusted authorized party", b -> b.claim("azp", "someone.else").build(), "authorized-party"),
                rejected("expired beyond leeway", b -> b.claim("exp", NOW.getEpochSecond() - 61).build(), "expiry"),
                rejected("no exp", b -> b.claim("exp", null).build(), "expiry"),
                rejected("not yet valid", b -> b.claim("nbf", NOW.getEpochSecond() + 120).build(), "not-before"),
                rejected("issued in the future", b -> b.claim("iat", NOW.getEpochSecond() + 120).build(), "issued-at"),
                rejected("issued too long ago", b -> b.claim("iat", NOW.getEpochSecond() - 3600 - 61).build(), "issued-at"),
                rejected("no subject", b -> b.claim("sub", null).build(), "subject"),
                rejected("subject of 256 characters", b -> b.claim("sub", "s".repeat(256)).build(), "subject"),
                rejected("email_verified neither true nor false", b -> b.claim("email_verified", "yes").build(), "claims"));
    }

    private static Arguments rejected(String name, Function<TestTokens.Builder, String> token, String check) {
        return Arguments.of(name, token, check);
    }

    @ParameterizedTest(name = "{0} fails the {2} check")
    @MethodSource("rejections")
    void rejects(String name, Function<TestTokens.Builder, String> token, String check) {
        final String jwt = token.apply(token());

        assertThatThrownBy(() -> verifier(false).verify(jwt, null))
                .isInstanceOfSatisfying(IdTokenRejected.class, rejected -> {
                    assertThat(rejected.check()).isEqualTo(check);
                    assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_ID_TOKEN);
                    assertThat(rejected.detail()).startsWith(check + ": ").doesNotContain(jwt);
                });
    }

    @Test
    void acceptsAGoodTokenAndReportsEveryCheck() {
        final List<String> passed = new ArrayList<>();
        final VerifiedIdToken verified = verifier(false).verify(token().claim("name", "Ada").build(), null,
                new CheckListener() {
                    @Override
                    public void passed(String check) {
                        passed.add(check);
                    }

                    @Override
                    public void failed(String check, String detail) {
                        passed.add("FAILED " + check);
                    }
                });

        assertThat(passed).containsExactly("format", "algorithm", "header", "key", "signature", "issuer", "audience",
                "authorized-party", "expiry", "not-before", "issued-at", "subject", "nonce", "claims");
        assertThat(verified.subject()).isEqualTo("1234567890");
        assertThat(verified.clientId()).isEqualTo(CLIENT);
        assertThat(verified.email()).isEqualTo("Ada@Example.com");
        assertThat(verified.emailVerified()).isTrue();
        assertThat(verified.name()).isEqualTo("Ada");
    }

    @Test
    void acceptsBothGoogleIssuerSpellings() {
        assertThat(verifier(false).verify(token().claim("iss", "accounts.google.com").build(), null).subject())
                .isEqualTo("1234567890");
    }

    @Test
    void toleratesSixtySecondsOfClockSkew() {
        final String token = token().claim("exp", NOW.getEpochSecond() - 59).claim("iat", NOW.getEpochSecond() + 59)
                .claim("nbf", NOW.getEpochSecond() + 59).build();

        assertThat(verifier(false).verify(token, null).subject()).isEqualTo("1234567890");
    }

    @Test
    void theAuthorizedPartyIsTheClientWhenTheAudienceIsTheServerClient() {
        final String token = token().claim("aud", OTHER_CLIENT).claim("azp", CLIENT).build();

        assertThat(verifier(false).verify(token, null).clientId()).isEqualTo(CLIENT);
    }

    @Test
    void acceptsAppleStyleStringBooleans() {
        final VerifiedIdToken verified = verifier(false).verify(
                token().email("x@privaterelay.appleid.com", "true").claim("is_private_email", "true").build(), null);

        assertThat(verified.emailVerified()).isTrue();
        assertThat(verified.isPrivateEmail()).isTrue();
        assertThat(verifier(false).verify(token().email("a@b.example", "false").build(), null).emailVerified()).isFalse();
    }

    @Test
    void nonceClaimMayBeTheRawNonceOrItsSha256() {
        assertThat(verifier(false).verify(token().claim("nonce", "raw-nonce").build(), "raw-nonce").nonce())
                .isEqualTo("raw-nonce");
        final String hashed = Sha256.hex("raw-nonce");
        assertThat(verifier(false).verify(token().claim("nonce", hashed).build(), "raw-nonce").nonce()).isEqualTo(hashed);
    }

    @Test
    void aTokenNonceNeedsTheMatchingRawNonce() {
        assertNonceRejected(verifier(false), token().claim("nonce", "raw-nonce").build(), null);
        assertNonceRejected(verifier(false), token().claim("nonce", "raw-nonce").build(), "other-nonce");
        assertNonceRejected(verifier(false), token().build(), "raw-nonce");
    }

    @Test
    void aRequiredNonceMustBeInTheToken() {
        assertNonceRejected(verifier(true), token().build(), null);
        assertThat(verifier(true).verify(token().claim("nonce", "n").build(), "n").subject()).isEqualTo("1234567890");
    }

    @Test
    void aTokenOfOneProviderFailsAtTheOther() {
        final String google = token().build();
        final IdTokenVerifier apple = new IdTokenVerifier(Provider.APPLE, Set.of(CLIENT), KeySource.of(GOOGLE.jwks()),
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1), false);

        assertThatThrownBy(() -> apple.verify(google, null))
                .isInstanceOfSatisfying(IdTokenRejected.class, e -> assertThat(e.check()).isEqualTo("issuer"));
    }

    private static void assertNonceRejected(IdTokenVerifier verifier, String token, String nonce) {
        assertThatThrownBy(() -> verifier.verify(token, nonce))
                .isInstanceOfSatisfying(IdTokenRejected.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NONCE);
                    assertThat(e.check()).isEqualTo("nonce");
                });
    }

    /** The same signature bytes, spelled with the unused low bits of the last character set. */
    private static String strayBits(String jwt) {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        final char last = jwt.charAt(jwt.length() - 1);
        final char other = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        return jwt.substring(0, jwt.length() - 1) + other;
    }

    private static String tamper(String jwt) {
        final String[] parts = jwt.split("\\.");
        final String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("1234567890", "1234567891");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
