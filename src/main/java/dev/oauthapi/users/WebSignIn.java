package dev.oauthapi.users;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.GoogleCodeExchange;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SingleUseKeys;
import dev.oauthapi.redis.WebSignInStore;
import dev.oauthapi.text.StorableText;
import dev.oauthapi.tokens.ServerSeal;
import dev.oauthapi.tokens.Sha256;
import io.dropwizard.jackson.Jackson;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sign-in through the browser, for web apps and for native apps that use the system browser
 * (RFC 9700, RFC 7636), in three steps:
 * <ol>
 *   <li>{@link #authorize}: the app's {@code redirect_uri} must be one of ours exactly and it
 *   must send a PKCE challenge; the pending authorization, with a provider nonce (and, for
 *   Google, our own PKCE verifier), is sealed into the {@code state} we send the browser to the
 *   provider with (10 minutes). It costs no memory anywhere until it comes back: asking for
 *   millions fills nothing.</li>
 *   <li>The callback ({@link #googleCallback}, {@link #appleCallback}) takes the state back once
 *   (one that signed someone in is remembered in Redis until it expires),
 *   gets the provider's ID token (Google: by exchanging the code with our secret and verifier;
 *   Apple: posted with the form), checks it with the same verifier as an app's sign-in, nonce
 *   included, and sends the browser to the app with a one-time code (60 s). Never a token in a
 *   URL.</li>
 *   <li>{@link #exchange}: the app trades the code and its PKCE verifier for the ordinary
 *   sign-in answer; only then are the account and the session written.</li>
 * </ol>
 */
public final class WebSignIn {
    public static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    private static final int MAX_APP_STATE = 256;
    /** Far above what a sealed pending authorization takes (under 1,000 characters). */
    private static final int MAX_STATE = 2048;
    private static final byte[] STATE_PURPOSE = "oauth-api web-state v1".getBytes(StandardCharsets.US_ASCII);
    private static final String GRANT_PURPOSE = "oauth-api web-grant v1 ";
    private static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSignIn.class);

    /** Where the providers send the browser, and where the app may be sent back. */
    public record Endpoints(Set<String> redirectUris, URI googleCallback, URI appleCallback,
                            URI googleAuthorizationUrl, URI appleAuthorizationUrl) {
    }

    /** What a state stands for until the provider sends the browser back; sealed into the state. */
    record Pending(Provider provider, String redirectUri, String codeChallenge, String appState, String nonce,
                   String googleVerifier, Instant expiresAt) {
    }

    /** What a one-time code stands for until the app exchanges it. */
    record Grant(VerifiedIdToken token, String fullName, String appleCode, String redirectUri, String codeChallenge,
                 Instant expiresAt) {
    }

    private final SignInService signIn;
    private final WebSignInStore store;
    private final SingleUseKeys usedStates;
    private final ServerSeal seal;
    private final AuthMetrics metrics;
    private final Endpoints endpoints;
    private final GoogleCodeExchange google;
    private final String appleClientId;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param google        null when Google's web client is not configured
     * @param appleClientId null when Apple's Services ID is not configured
     */
    public WebSignIn(SignInService signIn, WebSignInStore store, SingleUseKeys usedStates, ServerSeal seal, Endpoints endpoints,
                     GoogleCodeExchange google, String appleClientId, AuthMetrics metrics, SecureRandom random,
                     Clock clock) {
        this.signIn = signIn;
        this.store = store;
        this.usedStates = usedStates;
        this.seal = seal;
        this.metrics = metrics;
        this.endpoints = endpoints;
        this.google = google;
        this.appleClientId = appleClientId;
        this.random = random;
        this.clock = clock;
    }

    /** Step 1: where to send the browser. Every refusal here is a 400 problem, never a redirect. */
    public URI authorize(String provider, String redirectUri, String codeChallenge, String challengeMethod,
                         String appState) {
        final Provider which = enabled(provider);
        if (redirectUri == null || !endpoints.redirectUris().contains(redirectUri)) {
            throw invalid("redirect_uri: not one of this server's WEB_REDIRECT_URIS (compared exactly).");
        }
        if (codeChallenge == null || !codeChallenge.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw invalid("code_challenge: required, the BASE64URL SHA-256 of your PKCE code verifier.");
        }
        if (!"S256".equals(challengeMethod)) {
            throw invalid("code_challenge_method: must be S256.");
        }
        if (appState != null && (appState.length() > MAX_APP_STATE || !appState.matches("\\p{Graph}*"))) {
            throw invalid("state: at most " + MAX_APP_STATE + " printable characters.");
        }
        final String nonce = secret();
        final String verifier = which == Provider.GOOGLE ? secret() : null;
        final String state = BASE64URL.encodeToString(seal.seal(STATE_PURPOSE, write(new Pending(which, redirectUri,
                codeChallenge, appState, nonce, verifier, clock.instant().plus(STATE_LIFETIME)))));
        final Map<String, String> query = new LinkedHashMap<>();
        if (which == Provider.GOOGLE) {
            query.put("response_type", "code");
            query.put("client_id", google.clientId());
            query.put("redirect_uri", endpoints.googleCallback().toString());
            query.put("scope", "openid email profile");
            // The user always sees which Google account is used (RFC 9700 §4.1): no silent sign-in
            // with whichever account the browser happens to hold.
            query.put("prompt", "select_account");
            query.put("code_challenge", Sha256.base64url(verifier));
            query.put("code_challenge_method", "S256");
        } else {
            query.put("response_type", "code id_token");
            query.put("response_mode", "form_post");
            query.put("client_id", appleClientId);
            query.put("redirect_uri", endpoints.appleCallback().toString());
            query.put("scope", "name email");
        }
        query.put("state", state);
        query.put("nonce", nonce);
        return withQuery((which == Provider.GOOGLE ? endpoints.googleAuthorizationUrl()
                : endpoints.appleAuthorizationUrl()).toString(), query);
    }

    /** Step 2 for Google: {@code ?code&state}, or {@code ?error&state} when the user said no. */
    public URI googleCallback(String code, String state, String error) {
        enabled(Provider.GOOGLE.wireName());
        final Pending pending = takeState(state, Provider.GOOGLE);
        if (error != null || code == null) {
            return failure(pending, error != null ? "access_denied" : ErrorCode.INVALID_REQUEST.code());
        }
        try {
            final String idToken;
            try {
                idToken = google.idToken(code, endpoints.googleCallback(), pending.googleVerifier());
            } catch (RuntimeException e) {
                throw signIn.counted(Provider.GOOGLE, e);
            }
            return success(state, pending, signIn.verifyOnce(Provider.GOOGLE, idToken, pending.nonce()), null, null, null);
        } catch (RuntimeException e) {
            return failure(pending, e);
        }
    }

    /**
     * Step 2 for Apple, its form_post: {@code id_token}, {@code code}, {@code state}, and on the
     * first sign-in only, {@code user} with the name (kept like an app's {@code fullName}).
     */
    public URI appleCallback(String code, String idToken, String state, String user, String error) {
        enabled(Provider.APPLE.wireName());
        final Pending pending = takeState(state, Provider.APPLE);
        if (error != null || idToken == null) {
            return failure(pending, error != null ? "access_denied" : ErrorCode.INVALID_REQUEST.code());
        }
        // Apple's codes are short and plain; anything else is not passed on to Apple or kept.
        final String appleCode = code != null && code.matches("[A-Za-z0-9._-]{1,512}") ? code : null;
        try {
            return success(state, pending, signIn.verifyOnce(Provider.APPLE, idToken, pending.nonce()), appleName(user),
                    appleCode, endpoints.appleCallback().toString());
        } catch (RuntimeException e) {
            return failure(pending, e);
        }
    }

    /**
     * Step 3: the one-time code and the verifier of the PKCE challenge the app started with. The
     * code works once, even when the verifier is wrong (so that it cannot be guessed at).
     */
    public SignInService.Result exchange(String code, String codeVerifier, SignInContext context) {
        if (google == null && appleClientId == null) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, "Sign-in through the browser is not enabled on this server.");
        }
        final Grant grant = Optional.ofNullable(code)
                .filter(value -> value.length() <= 128)
                .flatMap(this::takeGrant)
                .filter(stored -> clock.instant().isBefore(stored.expiresAt()))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_CODE,
                        "code: unknown, used or expired (a code lives " + CODE_LIFETIME.toSeconds() + " s); sign in again."));
        if (codeVerifier == null || !codeVerifier.matches("[A-Za-z0-9._~-]{43,128}")
                || !MessageDigest.isEqual(Sha256.base64url(codeVerifier).getBytes(StandardCharsets.US_ASCII),
                grant.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(ErrorCode.INVALID_CODE,
                    "codeVerifier: does not match the code_challenge the sign-in started with; sign in again.");
        }
        final SignInContext web = context.platform() != null ? context : new SignInContext("web", context.deviceName(),
                context.appVersion(), context.ipAddress(), context.userAgent());
        return signIn.complete(grant.token(), grant.fullName(), grant.appleCode(), grant.redirectUri(), web);
    }

    private Provider enabled(String provider) {
        final Optional<Provider> which = Provider.fromWireName(provider);
        if (which.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "Unknown provider; use google or apple.");
        }
        if (which.get() == Provider.GOOGLE ? google == null : appleClientId == null) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED,
                    "Sign in with " + provider + " through the browser is not enabled on this server.");
        }
        return which.get();
    }

    /**
     * The pending authorization of a state: one we did not seal, another provider's, an expired or
     * a used one is a 400. It is marked used only when it signs someone in ({@link #success}): a
     * callback with a junk code then leaves nothing behind in Redis. Until then the provider keeps
     * it single-use: Google takes a code once, Apple's ID token works once ({@code verifyOnce}).
     */
    private Pending takeState(String state, Provider provider) {
        final Instant now = clock.instant();
        final Pending pending = Optional.ofNullable(state)
                .filter(value -> value.length() <= MAX_STATE)
                .flatMap(WebSignIn::decode)
                .flatMap(sealed -> seal.open(STATE_PURPOSE, sealed))
                .map(plain -> read(plain, Pending.class))
                .filter(candidate -> candidate.provider() == provider && now.isBefore(candidate.expiresAt()))
                .orElseThrow(WebSignIn::unknownState);
        if (usedStates.isUsed(stateKey(state))) {
            throw unknownState();
        }
        return pending;
    }

    /** 128 bits of the state's hash name it in Redis: as unique, and half the memory of all 256 in hex. */
    private static String stateKey(String state) {
        return BASE64URL.encodeToString(Arrays.copyOf(Sha256.of(state), 16));
    }

    private static ApiException unknownState() {
        return invalid("state: unknown, used or expired; start the sign-in again.");
    }

    /**
     * The grant behind a one-time code, once. Redis holds it sealed, bound to its code: a value
     * written there by anyone else, or by a release before sealing, is no grant.
     */
    private Optional<Grant> takeGrant(String code) {
        final String codeHash = Sha256.hex(code);
        return store.takeCode(codeHash).flatMap(stored -> {
            final Optional<byte[]> plain = decode(stored).flatMap(sealed -> seal.open(grantPurpose(codeHash), sealed));
            if (plain.isEmpty()) {
                metrics.untrustedRedisValue("web_grant");
                LOG.warn("Refused a browser sign-in grant from Redis that we did not seal");
            }
            return plain.map(bytes -> read(bytes, Grant.class));
        });
    }

    private static byte[] grantPurpose(String codeHash) {
        return (GRANT_PURPOSE + codeHash).getBytes(StandardCharsets.US_ASCII);
    }

    private static Optional<byte[]> decode(String base64url) {
        try {
            return Optional.of(Base64.getUrlDecoder().decode(base64url));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private URI success(String state, Pending pending, VerifiedIdToken token, String fullName, String appleCode,
                        String redirectUri) {
        // Remembered until it would have expired anyway; of two callbacks with one state, one wins.
        if (!usedStates.markUsed(stateKey(state), Duration.between(clock.instant(), pending.expiresAt()))) {
            throw unknownState();
        }
        final String code = secret();
        final String codeHash = Sha256.hex(code);
        store.putCode(codeHash, BASE64URL.encodeToString(seal.seal(grantPurpose(codeHash), write(new Grant(token,
                fullName, appleCode, redirectUri, pending.codeChallenge(), clock.instant().plus(CODE_LIFETIME))))),
                CODE_LIFETIME);
        return back(pending, "code", code);
    }

    /**
     * Once the state is taken, every failure goes back to the app as {@code ?error=}: the browser
     * must not be left on a problem page of ours with a state that is used up.
     */
    private static URI failure(Pending pending, RuntimeException e) {
        if (e instanceof ApiException refusal) {
            return failure(pending, refusal.code().code());
        }
        LOG.warn("The browser sign-in failed after its state was taken: {}", e.toString());
        return failure(pending, e instanceof dev.oauthapi.redis.RedisException
                || e instanceof org.jdbi.v3.core.JdbiException
                ? ErrorCode.SERVICE_UNAVAILABLE.code() : ErrorCode.INTERNAL_ERROR.code());
    }

    private static URI failure(Pending pending, String error) {
        return back(pending, "error", error);
    }

    /** To the app: one parameter, and its own state when it sent one. */
    private static URI back(Pending pending, String name, String value) {
        final Map<String, String> query = new LinkedHashMap<>();
        query.put(name, value);
        if (pending.appState() != null) {
            query.put("state", pending.appState());
        }
        return withQuery(pending.redirectUri(), query);
    }

    /** Apple's {@code user}: {@code {"name": {"firstName", "lastName"}, "email"}}; anything else is no name. */
    private static String appleName(String user) {
        if (user == null || user.length() > 4096) {
            return null;
        }
        try {
            final JsonNode name = JSON.readTree(user).path("name");
            final String full = (name.path("firstName").asText("") + " " + name.path("lastName").asText("")).strip();
            return full.isEmpty() ? null : StorableText.strip(full);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static URI withQuery(String base, Map<String, String> query) {
        final String encoded = query.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .collect(Collectors.joining("&"));
        return URI.create(base + (base.contains("?") ? "&" : "?") + encoded);
    }

    private String secret() {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] stored, Class<T> type) {
        try {
            return JSON.readValue(stored, type);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException invalid(String detail) {
        return new ApiException(ErrorCode.INVALID_REQUEST, detail);
    }
}
