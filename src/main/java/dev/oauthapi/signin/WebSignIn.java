package dev.oauthapi.signin;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.DataStores;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.signin.BrowserSeals.Grant;
import dev.oauthapi.signin.BrowserSeals.Pending;
import dev.oauthapi.users.SignInContext;
import dev.oauthapi.identity.GoogleCodeExchange;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SingleUseKeys;
import dev.oauthapi.redis.WebSignInStore;
import dev.oauthapi.tokens.ServerSeal;
import dev.oauthapi.tokens.Sha256;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSignIn.class);

    /** Where the providers send the browser, and where the app may be sent back. */
    public record Endpoints(Set<String> redirectUris, URI googleCallback, URI appleCallback,
                            URI googleAuthorizationUrl, URI appleAuthorizationUrl) {
    }

    private final SignInService signIn;
    private final WebSignInStore store;
    private final SingleUseKeys usedStates;
    private final BrowserSeals seals;
    private final AuthMetrics metrics;
    private final Endpoints endpoints;
    private final GoogleCodeExchange google;
    private final String appleClientId;
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
        this.seals = new BrowserSeals(seal, random);
        this.metrics = metrics;
        this.endpoints = endpoints;
        this.google = google;
        this.appleClientId = appleClientId;
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
        final String nonce = seals.secret();
        final String verifier = which == Provider.GOOGLE ? seals.secret() : null;
        final String state = seals.state(new Pending(which, redirectUri, codeChallenge, appState, nonce, verifier,
                clock.instant().plus(STATE_LIFETIME)));
        return which == Provider.GOOGLE
                ? BrowserRedirects.toGoogle(endpoints, google.clientId(), state, nonce, verifier)
                : BrowserRedirects.toApple(endpoints, appleClientId, state, nonce);
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
            return success(state, pending, signIn.verifyOnce(Provider.APPLE, idToken, pending.nonce()),
                    BrowserRedirects.appleName(user),
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
        if (!BrowserSeals.proves(codeVerifier, grant.codeChallenge())) {
            throw new ApiException(ErrorCode.INVALID_CODE,
                    "codeVerifier: does not match the code_challenge the sign-in started with; sign in again.");
        }
        final SignInContext web = context.platform() != null ? context : new SignInContext("web", context.deviceName(),
                context.appVersion(), context.ipAddress(), context.userAgent(), context.appCheck(), context.dpop(),
                context.dpopJkt());
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
        final Pending pending = seals.pending(state)
                .filter(candidate -> candidate.provider() == provider && now.isBefore(candidate.expiresAt()))
                .orElseThrow(WebSignIn::unknownState);
        if (usedStates.isUsed(BrowserSeals.stateKey(state))) {
            throw unknownState();
        }
        return pending;
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
            final Optional<Grant> grant = seals.grant(codeHash, stored);
            if (grant.isEmpty()) {
                metrics.untrustedRedisValue("web_grant");
                LOG.warn("Refused a browser sign-in grant from Redis that we did not seal");
            }
            return grant;
        });
    }

    private URI success(String state, Pending pending, VerifiedIdToken token, String fullName, String appleCode,
                        String redirectUri) {
        // Remembered until it would have expired anyway; of two callbacks with one state, one wins.
        if (!usedStates.markUsed(BrowserSeals.stateKey(state), Duration.between(clock.instant(), pending.expiresAt()))) {
            throw unknownState();
        }
        final String code = seals.secret();
        final String codeHash = Sha256.hex(code);
        store.putCode(codeHash, seals.grant(codeHash, new Grant(token, fullName, appleCode, redirectUri,
                pending.codeChallenge(), clock.instant().plus(CODE_LIFETIME))), CODE_LIFETIME);
        return BrowserRedirects.toApp(pending, "code", code);
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
        return failure(pending, DataStores.areUnavailable(e)
                ? ErrorCode.SERVICE_UNAVAILABLE.code() : ErrorCode.INTERNAL_ERROR.code());
    }

    private static URI failure(Pending pending, String error) {
        return BrowserRedirects.toApp(pending, "error", error);
    }

    private static ApiException invalid(String detail) {
        return new ApiException(ErrorCode.INVALID_REQUEST, detail);
    }
}
