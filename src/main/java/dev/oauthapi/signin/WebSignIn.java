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
import java.util.LinkedHashMap;
import java.util.Map;
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
 * The same flow serves OAuth clients ({@code /oauth/authorize}, then the authorization-code grant
 * of {@code /oauth/token}, see {@link OAuthGrants}): their state also names the {@link Client}, the
 * redirects speak RFC 6749 (with our issuer, RFC 9207), and their code is redeemed by
 * {@link #redeem}, for that client only. A code of one flow is refused by the other.
 */
public final class WebSignIn {
    public static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    private static final int MAX_APP_STATE = 256;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSignIn.class);

    /** Where the providers send the browser, where the app may be sent back, and our issuer. */
    public record Endpoints(Set<String> redirectUris, URI googleCallback, URI appleCallback,
                            URI googleAuthorizationUrl, URI appleAuthorizationUrl, String issuer) {
    }

    /** The OAuth client an authorization is for, and the key its code is bound to (RFC 9449 §10; null: none). */
    public record Client(String id, String dpopJkt) {
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
        requireRedirectUri(redirectUri);
        return authorize(which, redirectUri, codeChallenge, challengeMethod, appState, null);
    }

    /**
     * Step 1 for an OAuth client, whose {@code redirect_uri} was checked ({@link #requireRedirectUri}):
     * where to send the browser. A refusal is an {@link ApiException} the caller turns into a redirect.
     */
    public URI authorize(String provider, String redirectUri, String codeChallenge, String challengeMethod,
                         String appState, Client client) {
        return authorize(enabled(provider), redirectUri, codeChallenge, challengeMethod, appState, client);
    }

    /** Whether sign-in through the browser is on: some provider's web client is configured. */
    public boolean isOn() {
        return google != null || appleClientId != null;
    }

    /** The app's {@code redirect_uri} is one of ours, exactly; a 400 otherwise (never a redirect to it). */
    public void requireRedirectUri(String redirectUri) {
        if (redirectUri == null || !endpoints.redirectUris().contains(redirectUri)) {
            throw invalid("redirect_uri: not one of this server's WEB_REDIRECT_URIS (compared exactly).");
        }
    }

    /**
     * An OAuth client's authorization refused before the browser left (RFC 6749 §4.1.2.1): back to
     * its {@code redirect_uri} (checked) with {@code error}, our code as the description, its state
     * when that is one we could have kept, and our issuer.
     */
    public URI refuse(String redirectUri, String appState, String error, String code) {
        final Map<String, String> answer = new LinkedHashMap<>();
        answer.put("error", error);
        answer.put("error_description", code);
        return BrowserRedirects.toApp(redirectUri, isValidAppState(appState) ? appState : null, answer,
                endpoints.issuer());
    }

    private URI authorize(Provider which, String redirectUri, String codeChallenge, String challengeMethod,
                          String appState, Client client) {
        if (codeChallenge == null || !codeChallenge.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw invalid("code_challenge: required, the BASE64URL SHA-256 of your PKCE code verifier.");
        }
        if (!"S256".equals(challengeMethod)) {
            throw invalid("code_challenge_method: must be S256.");
        }
        if (!isValidAppState(appState)) {
            throw invalid("state: at most " + MAX_APP_STATE + " printable characters.");
        }
        final String nonce = seals.secret();
        final String verifier = which == Provider.GOOGLE ? seals.secret() : null;
        final String state = seals.state(new Pending(which, redirectUri, codeChallenge, appState, nonce, verifier,
                clock.instant().plus(STATE_LIFETIME), client == null ? null : client.id(),
                client == null ? null : client.dpopJkt()));
        return which == Provider.GOOGLE
                ? BrowserRedirects.toGoogle(endpoints, google.clientId(), state, nonce, verifier)
                : BrowserRedirects.toApple(endpoints, appleClientId, state, nonce);
    }

    /** Step 2 for Google: {@code ?code&state}, or {@code ?error&state} when the user said no. */
    public URI googleCallback(String code, String state, String error) {
        enabled(Provider.GOOGLE.wireName());
        final Pending pending = takeState(state, Provider.GOOGLE);
        if (error != null || code == null) {
            return error != null ? cancelled(pending) : failure(pending, ErrorCode.INVALID_REQUEST);
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
            return error != null ? cancelled(pending) : failure(pending, ErrorCode.INVALID_REQUEST);
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
        requireOn();
        // As for an OAuth client: a nonce challenge must not spend the code.
        final SignInContext proven = signIn.proven(context);
        final Grant grant = takeUnexpired(code);
        if (grant.clientId() != null) {
            throw new ApiException(ErrorCode.INVALID_CODE, "code: issued to an OAuth client; redeem it at /oauth/token.");
        }
        if (!BrowserSeals.proves(codeVerifier, grant.codeChallenge())) {
            throw new ApiException(ErrorCode.INVALID_CODE,
                    "codeVerifier: does not match the code_challenge the sign-in started with; sign in again.");
        }
        return signIn.complete(grant.token(), grant.fullName(), grant.appleCode(), grant.redirectUri(),
                proven.fromBrowser("web", null));
    }

    /**
     * Step 3 for an OAuth client: the authorization-code grant (RFC 6749 §4.1.3). The code works
     * once, for the client it was issued to, with the {@code redirect_uri} the authorization named
     * and the verifier of its challenge, and, when it was bound ({@code dpop_jkt}), with a proof by
     * that key. The proof is checked before the code is spent: a nonce challenge (RFC 9449 §8)
     * leaves the code usable for the retry.
     */
    public SignInService.Result redeem(String code, String codeVerifier, String redirectUri, String clientId,
                                       SignInContext context) {
        requireOn();
        final SignInContext proven = signIn.proven(context);
        final Grant grant = takeUnexpired(code);
        if (!clientId.equals(grant.clientId())) {
            throw new ApiException(ErrorCode.INVALID_CODE, grant.clientId() == null
                    ? "code: issued to the JSON API's browser sign-in; exchange it at /api/auth/exchange."
                    : "client_id: the code was issued to another client.");
        }
        if (!grant.clientRedirectUri().equals(redirectUri)) {
            throw new ApiException(ErrorCode.INVALID_CODE, "redirect_uri: not the one the authorization request named.");
        }
        if (!BrowserSeals.proves(codeVerifier, grant.codeChallenge())) {
            throw new ApiException(ErrorCode.INVALID_CODE,
                    "code_verifier: does not match the code_challenge the authorization started with.");
        }
        if (grant.dpopJkt() != null && !grant.dpopJkt().equals(proven.dpopJkt())) {
            throw new ApiException(ErrorCode.DPOP_PROOF_REFUSED, proven.dpopJkt() == null
                    ? "dpop_jkt: the code is bound to a key; send a DPoP proof by it."
                    : "key: the DPoP proof is signed by another key than the dpop_jkt of the authorization.");
        }
        return signIn.complete(grant.token(), grant.fullName(), grant.appleCode(), grant.redirectUri(),
                proven.fromBrowser("web", clientId));
    }

    private void requireOn() {
        if (!isOn()) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, "Sign-in through the browser is not enabled on this server.");
        }
    }

    private Grant takeUnexpired(String code) {
        return Optional.ofNullable(code)
                .filter(value -> value.length() <= 128)
                .flatMap(this::takeGrant)
                .filter(stored -> clock.instant().isBefore(stored.expiresAt()))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_CODE,
                        "code: unknown, used or expired (a code lives " + CODE_LIFETIME.toSeconds() + " s); sign in again."));
    }

    private static boolean isValidAppState(String appState) {
        // RFC 6749 Appendix A.5: printable ASCII, spaces included.
        return appState == null || appState.length() <= MAX_APP_STATE && appState.matches("[\\x20-\\x7E]*");
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
                pending.codeChallenge(), clock.instant().plus(CODE_LIFETIME), pending.clientId(), pending.redirectUri(),
                pending.dpopJkt())), CODE_LIFETIME);
        return pending.isOAuth()
                ? BrowserRedirects.toApp(pending.redirectUri(), pending.appState(), Map.of("code", code), endpoints.issuer())
                : BrowserRedirects.toApp(pending, "code", code);
    }

    /**
     * Once the state is taken, every failure goes back to the app as {@code ?error=}: the browser
     * must not be left on a problem page of ours with a state that is used up.
     */
    private URI failure(Pending pending, RuntimeException e) {
        if (e instanceof ApiException refusal) {
            return failure(pending, refusal.code());
        }
        LOG.warn("The browser sign-in failed after its state was taken: {}", e.toString());
        return failure(pending, DataStores.areUnavailable(e) ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_ERROR);
    }

    /**
     * The JSON API's flow answers {@code ?error=<our code>}; an OAuth client's, RFC 6749's error
     * (a refused sign-in is {@code access_denied}, our failure {@code server_error}) with our code
     * as its description.
     */
    private URI failure(Pending pending, ErrorCode code) {
        if (!pending.isOAuth()) {
            return BrowserRedirects.toApp(pending, "error", code.code());
        }
        return refuse(pending.redirectUri(), pending.appState(), code == ErrorCode.INVALID_REQUEST ? "invalid_request"
                : code.status() >= 500 ? "server_error" : "access_denied", code.code());
    }

    /** The user said no at the provider. */
    private URI cancelled(Pending pending) {
        return pending.isOAuth() ? refuse(pending.redirectUri(), pending.appState(), "access_denied", "access_denied")
                : BrowserRedirects.toApp(pending, "error", "access_denied");
    }

    private static ApiException invalid(String detail) {
        return new ApiException(ErrorCode.INVALID_REQUEST, detail);
    }
}
