package dev.oauthapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.tokens.Sha256;
import dev.oauthapi.text.StorableText;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks a Google ID token or an Apple identity token, one provider per instance, as a checklist
 * (OpenID Connect Core §3.1.3.7, RFC 8725). Each check is a named step; the first that fails
 * rejects the token with that step's name and what it received. Stateless: single use of nonces
 * and tokens is the caller's (it needs Redis), so the {@code check-id-token} command runs exactly
 * these checks.
 */
public final class IdTokenVerifier {
    /** Allowed clock difference between us and the provider. */
    public static final Duration LEEWAY = Duration.ofSeconds(60);
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    static final int MAX_SUBJECT_LENGTH = 255;
    static final int MIN_RSA_BITS = 2048;
    /** Year 5138: any later time is garbage, and would overflow date arithmetic. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;
    /** Both providers sign with RS256; anything else, "none" and HS256 included, is refused. */
    private static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256");
    /** Header parameters that point at keys elsewhere: we never let a token choose its key. */
    private static final List<String> FORBIDDEN_HEADERS = List.of("jku", "x5u", "jwk", "x5c");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final Provider provider;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final KeySource keys;
    private final Clock clock;
    private final Duration maxAge;
    private final boolean requireNonce;
    private final PrivateRelay privateRelay;

    public IdTokenVerifier(Provider provider, Set<String> audiences, KeySource keys, Clock clock,
                           Duration maxAge, boolean requireNonce) {
        this(provider, provider.issuers(), audiences, keys, clock, maxAge, requireNonce);
    }

    /** With other issuers than the provider's sign-in ones (Google's security events). */
    public IdTokenVerifier(Provider provider, Set<String> issuers, Set<String> audiences, KeySource keys, Clock clock,
                           Duration maxAge, boolean requireNonce) {
        this(provider, issuers, audiences, keys, clock, maxAge, requireNonce, PrivateRelay.APPLE);
    }

    /** With the private relay domains configured ({@code APPLE_PRIVATE_RELAY_DOMAINS}). */
    public IdTokenVerifier(Provider provider, Set<String> issuers, Set<String> audiences, KeySource keys, Clock clock,
                           Duration maxAge, boolean requireNonce, PrivateRelay privateRelay) {
        this.privateRelay = privateRelay;
        this.provider = provider;
        this.issuers = Set.copyOf(issuers);
        this.audiences = Set.copyOf(audiences);
        this.keys = keys;
        this.clock = clock;
        this.maxAge = maxAge;
        this.requireNonce = requireNonce;
    }

    public Provider provider() {
        return provider;
    }

    public boolean isEnabled() {
        return !audiences.isEmpty();
    }

    public VerifiedIdToken verify(String token, String rawNonce) {
        return verify(token, rawNonce, CheckListener.SILENT);
    }

    /**
     * @throws IdTokenRejected naming the failed check
     * @throws ProviderUnavailable when the provider's keys cannot be had to check the signature
     */
    public VerifiedIdToken verify(String token, String rawNonce, CheckListener listener) {
        return new Verification(token, rawNonce, listener).run();
    }

    /**
     * Checks a provider's security event token (an Apple server-to-server notification, a Google
     * RISC event) with the same discipline as a sign-in token: the same algorithm, header, key,
     * signature, issuer and audience checks. Events name their subject inside, carry a {@code jti},
     * may be delivered late and, for RISC, carry no {@code exp}: so there is no subject, nonce or
     * maximum-age check, and expiry is checked when present.
     *
     * @return the verified claims
     */
    public JsonNode verifyEvent(String token) {
        final Verification verification = new Verification(token, null, CheckListener.SILENT);
        verification.runForEvent();
        return verification.claims;
    }

    /** One token's trip through the checklist. */
    private final class Verification {
        private final String token;
        private final String rawNonce;
        private final CheckListener listener;
        private final Instant now = clock.instant();
        private String[] parts;
        private JsonNode header;
        private JsonNode claims;
        private ProviderKey key;
        private String clientId;

        Verification(String token, String rawNonce, CheckListener listener) {
            this.token = token;
            this.rawNonce = rawNonce;
            this.listener = listener;
        }

        /** The checks every provider token passes, sign-in token or security event. */
        private void whoSignedItAndForWhom() {
            step("format", this::format);
            step("algorithm", this::algorithm);
            step("header", this::header);
            step("key", this::key);
            step("signature", this::signature);
            step("issuer", this::issuer);
            step("audience", this::audience);
        }

        VerifiedIdToken run() {
            whoSignedItAndForWhom();
            step("authorized-party", this::authorizedParty);
            step("expiry", this::expiry);
            step("not-before", this::notBefore);
            step("issued-at", this::issuedAt);
            step("subject", this::subject);
            step("nonce", this::nonce);
            step("claims", this::emailClaims);
            return new VerifiedIdToken(provider, StorableText.strip(claims.path("sub").asText()), clientId,
                    text("email"), bool("email_verified"), isPrivateEmail(), text("hd"),
                    text("name"), text("picture"), text("nonce"),
                    Instant.ofEpochSecond(claims.path("iat").asLong()),
                    Instant.ofEpochSecond(claims.path("exp").asLong()),
                    provider == Provider.APPLE ? transferSub() : null);
        }

        void runForEvent() {
            whoSignedItAndForWhom();
            step("expiry", () -> {
                if (claims.has("exp")) {
                    expiry();
                }
            });
            step("issued-at", () -> {
                if (epochSeconds("iat", "issued-at").isAfter(now.plus(LEEWAY))) {
                    throw reject("issued-at", "issued in the future");
                }
            });
            step("jti", () -> {
                final String jti = text("jti");
                if (jti == null || jti.length() > 255) {
                    throw reject("jti", "an event needs a token id ('jti') of at most 255 characters");
                }
            });
        }

        private void step(String name, Runnable check) {
            try {
                check.run();
            } catch (IdTokenRejected rejected) {
                listener.failed(rejected.check(), rejected.detail());
                throw rejected;
            } catch (ProviderUnavailable unavailable) {
                listener.failed(name, unavailable.detail());
                throw unavailable;
            }
            listener.passed(name);
        }

        private void format() {
            if (token == null || token.isBlank()) {
                throw reject("format", "no token was sent");
            }
            if (token.length() > MAX_TOKEN_LENGTH) {
                throw reject("format", "the token is longer than " + MAX_TOKEN_LENGTH + " characters");
            }
            parts = token.split("\\.", -1);
            if (parts.length != 3) {
                throw reject("format", "a signed JWT has 3 parts, this has " + parts.length);
            }
            header = jsonObject(parts[0], "header");
            claims = jsonObject(parts[1], "payload");
            // One token, one spelling: padding or stray low bits would give a valid signature a
            // second encoding, and the token a second identity for replay detection.
            for (String part : parts) {
                if (!isCanonicalBase64Url(part)) {
                    throw reject("format", "a part is not canonical unpadded base64url");
                }
            }
        }

        private void algorithm() {
            final String alg = header.path("alg").asText("");
            if (!ALLOWED_ALGORITHMS.contains(alg)) {
                throw reject("algorithm", "'" + alg + "' is not allowed; " + provider.wireName() + " signs with RS256");
            }
        }

        private void header() {
            for (String name : FORBIDDEN_HEADERS) {
                if (header.has(name)) {
                    throw reject("header", "the '" + name + "' parameter is not accepted: keys come only from "
                            + provider.wireName() + "'s configured key set");
                }
            }
            if (header.has("crit")) {
                throw reject("header", "critical extensions " + header.get("crit") + " are not understood");
            }
            if (!header.path("kid").isTextual() || header.path("kid").asText().isEmpty()) {
                throw reject("header", "no key id ('kid')");
            }
        }

        private void key() {
            final String keyId = header.path("kid").asText();
            key = keys.find(keyId);
            if (key == null) {
                throw reject("key", provider.wireName() + " has no key with id '" + keyId + "'");
            }
            if (!(key.key() instanceof RSAPublicKey rsa)) {
                throw reject("key", "key '" + keyId + "' is " + key.key().getAlgorithm() + ", RS256 needs RSA");
            }
            if (key.algorithm() != null && !key.algorithm().equals(header.path("alg").asText())) {
                throw reject("key", "key '" + keyId + "' is for " + key.algorithm() + ", the token says "
                        + header.path("alg").asText());
            }
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw reject("key", "key '" + keyId + "' is shorter than " + MIN_RSA_BITS + " bits");
            }
        }

        private void signature() {
            final boolean valid;
            try {
                final Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key.key());
                verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                valid = verifier.verify(BASE64URL.decode(parts[2]));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw reject("signature", "the signature cannot be read");
            }
            if (!valid) {
                throw reject("signature", "does not match key '" + key.keyId() + "'");
            }
        }

        private void issuer() {
            final String issuer = claims.path("iss").asText("");
            if (!issuers.contains(issuer)) {
                throw reject("issuer", "'" + issuer + "' is not " + provider.wireName() + "'s issuer");
            }
        }

        private void audience() {
            final JsonNode aud = claims.path("aud");
            final List<String> values = new ArrayList<>();
            if (aud.isTextual()) {
                values.add(aud.asText());
            } else if (aud.isArray()) {
                aud.forEach(value -> values.add(value.asText()));
            }
            if (values.isEmpty()) {
                throw reject("audience", "the token names no audience");
            }
            // Every audience must be ours: a token also meant for someone else is not one to trust.
            for (String value : values) {
                if (!audiences.contains(value)) {
                    throw reject("audience", "'" + value + "' is not one of the configured client ids");
                }
            }
            clientId = values.getFirst();
        }

        private void authorizedParty() {
            final JsonNode azp = claims.path("azp");
            if (azp.isMissingNode()) {
                return;
            }
            if (!audiences.contains(azp.asText())) {
                throw reject("authorized-party", "'" + azp.asText() + "' is not one of the configured client ids");
            }
            clientId = azp.asText(); // the app itself, when the audience is its server client id
        }

        private void expiry() {
            final Instant expiresAt = epochSeconds("exp", "expiry");
            if (!now.isBefore(expiresAt.plus(LEEWAY))) {
                throw reject("expiry", "expired at " + expiresAt);
            }
        }

        private void notBefore() {
            if (claims.has("nbf") && now.isBefore(epochSeconds("nbf", "not-before").minus(LEEWAY))) {
                throw reject("not-before", "not valid before " + epochSeconds("nbf", "not-before"));
            }
        }

        private void issuedAt() {
            final Instant issuedAt = epochSeconds("iat", "issued-at");
            if (issuedAt.isAfter(now.plus(LEEWAY))) {
                throw reject("issued-at", "issued in the future, at " + issuedAt);
            }
            if (issuedAt.plus(maxAge).plus(LEEWAY).isBefore(now)) {
                throw reject("issued-at", "issued at " + issuedAt + ", more than " + maxAge + " ago");
            }
        }

        private void subject() {
            final String subject = claims.path("sub").asText("");
            if (!claims.path("sub").isTextual() || subject.isEmpty()) {
                throw reject("subject", "the token names no subject");
            }
            if (subject.length() > MAX_SUBJECT_LENGTH) {
                throw reject("subject", "longer than " + MAX_SUBJECT_LENGTH + " characters");
            }
        }

        private void nonce() {
            final String claim = text("nonce");
            if (claim == null) {
                if (rawNonce != null) {
                    throw nonceRejected("the request has a nonce but the token carries none");
                }
                if (requireNonce) {
                    throw nonceRejected("a nonce is required and the token carries none");
                }
                return;
            }
            if (rawNonce == null) {
                throw nonceRejected("the token carries a nonce; send the raw nonce with it");
            }
            // Apps pass either the raw nonce or its SHA-256 (hex) to the provider SDK.
            if (!constantTimeEquals(claim, rawNonce) && !constantTimeEquals(claim, Sha256.hex(rawNonce))) {
                throw nonceRejected("the token's nonce matches neither the raw nonce sent nor its SHA-256");
            }
        }

        private void emailClaims() {
            bool("email_verified");
            bool("is_private_email");
            final String email = text("email");
            if (email != null && email.length() > 320) {
                throw reject("claims", "the e-mail address is longer than 320 characters");
            }
        }

        /** Apple's transfer identifier, as stored by the old team (short, printable); null otherwise. */
        private String transferSub() {
            final String value = text("transfer_sub");
            return value != null && value.length() <= 255 && value.matches("\\p{Graph}+") ? value : null;
        }

        private boolean isPrivateEmail() {
            final String email = text("email");
            return bool("is_private_email") || privateRelay.isRelayAddress(email);
        }

        /** Apple sends booleans as the strings "true" and "false"; Google as JSON booleans. */
        private boolean bool(String name) {
            final JsonNode value = claims.path(name);
            if (value.isMissingNode() || value.isNull()) {
                return false;
            }
            if (value.isBoolean()) {
                return value.booleanValue();
            }
            if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
                return Boolean.parseBoolean(value.asText());
            }
            throw reject("claims", "'" + name + "' is neither true nor false");
        }

        private String text(String name) {
            final JsonNode value = claims.path(name);
            // The provider vouches for it, but PostgreSQL must be able to store it.
            return value.isTextual() && !value.asText().isEmpty() ? StorableText.strip(value.asText()) : null;
        }

        private Instant epochSeconds(String claim, String check) {
            final JsonNode value = claims.path(claim);
            if (!value.isNumber() || !value.canConvertToLong() || Math.abs(value.asLong()) > MAX_EPOCH_SECONDS) {
                throw reject(check, "the '" + claim + "' claim is missing or not a plausible time");
            }
            return Instant.ofEpochSecond(value.asLong());
        }

        private JsonNode jsonObject(String part, String what) {
            try {
                final JsonNode node = JSON.readTree(BASE64URL.decode(part));
                if (node == null || !node.isObject()) {
                    throw reject("format", "the " + what + " is not a JSON object");
                }
                return node;
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw reject("format", "the " + what + " is not base64url-encoded JSON");
            }
        }
    }

    private static boolean isCanonicalBase64Url(String part) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(BASE64URL.decode(part)).equals(part);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static IdTokenRejected reject(String check, String detail) {
        return new IdTokenRejected(ErrorCode.INVALID_ID_TOKEN, check, detail);
    }

    private static IdTokenRejected nonceRejected(String detail) {
        return new IdTokenRejected(ErrorCode.INVALID_NONCE, "nonce", detail);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
