package dev.oauthapi.signin;

import dev.oauthapi.appcheck.AppCheckGate;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.IdTokenRejected;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.identity.Nonces;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SignInMarks;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.Sha256;
import dev.oauthapi.users.AccountResolution;
import dev.oauthapi.users.Identities;
import dev.oauthapi.users.SignInContext;
import dev.oauthapi.users.SignedIn;
import dev.oauthapi.users.UserProfile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Sign-in and linking with a Google or Apple token, in named steps: verify the token, pass the
 * app-check gate (a web client, proven by the token's client, needs no app token), accept it
 * and its nonce once (one Redis round trip), then the account transaction; the access token is signed only
 * after that transaction committed, so no token ever names a session that was not stored.
 */
public final class SignInService {
    /** A sign-in's outcome: the user, our tokens, and whether the account was just created. */
    public record Result(UserProfile user, AccessTokens.Issued accessToken, SignedIn session) {
    }

    private final Map<Provider, IdTokenVerifier> verifiers;
    private final Nonces nonces;
    private final SignInMarks marks;
    private final boolean replayProtection;
    private final AccountResolution accounts;
    private final Identities identities;
    private final AccessTokens accessTokens;
    private final Clock clock;
    private final AppleTokens appleTokens;
    private final AuthMetrics metrics;
    private final AppCheckGate appCheck;
    private final DpopBinding dpop;

    /** @param appleTokens null when Apple code exchange is not configured */
    public SignInService(Map<Provider, IdTokenVerifier> verifiers, Nonces nonces, SignInMarks marks,
                         boolean replayProtection, AccountResolution accounts, Identities identities,
                         AccessTokens accessTokens, Clock clock, AppleTokens appleTokens, AuthMetrics metrics,
                         AppCheckGate appCheck, DpopBinding dpop) {
        this.metrics = metrics;
        this.appCheck = appCheck;
        this.dpop = dpop;
        this.clock = clock;
        this.appleTokens = appleTokens;
        this.verifiers = Map.copyOf(verifiers);
        this.nonces = nonces;
        this.marks = marks;
        this.replayProtection = replayProtection;
        this.accounts = accounts;
        this.identities = identities;
        this.accessTokens = accessTokens;
    }

    public Result signIn(Provider provider, String idToken, String nonce, String fullName, String authorizationCode,
                         SignInContext context) {
        return signIn(provider, idToken, nonce, fullName, authorizationCode, context, null);
    }

    /**
     * As {@link #signIn(Provider, String, String, String, String, SignInContext)}, for the OAuth
     * client {@code client}: the token must have been issued to it, as its session will remember.
     */
    public Result signIn(Provider provider, String idToken, String nonce, String fullName, String authorizationCode,
                         SignInContext context, String client) {
        try {
            final VerifiedIdToken token = verify(provider, idToken, nonce);
            if (client != null && !client.equals(token.clientId())) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, "client_id: the ID token was issued to another client.");
            }
            // Before the token and nonce are spent: a refused app may retry with an app token.
            appCheck.admit(appCheck.read(context.appCheck()), token.clientId(), appCheck.isWeb(token.clientId()));
            final SignInContext bound = proven(context);
            final SignedIn signedIn = acceptOnce(idToken, nonce, token,
                    verified -> accounts.signIn(verified, fullName, bound));
            return succeeded(provider, afterCommit(token, signedIn, authorizationCode, null, bound.dpopJkt()));
        } catch (RuntimeException e) {
            throw counted(provider, e);
        }
    }

    /**
     * The browser sign-in's first half, at the provider's callback: the provider's token checked
     * with the nonce the state carries (not one of {@link Nonces}: the state is single use
     * already), and accepted once.
     */
    public VerifiedIdToken verifyOnce(Provider provider, String idToken, String stateNonce) {
        try {
            final VerifiedIdToken token = verify(provider, idToken, stateNonce);
            return acceptOnce(idToken, null, token, verified -> verified);
        } catch (RuntimeException e) {
            throw counted(provider, e);
        }
    }

    /** Its second half, when the app exchanges its one-time code: the account and a session, as for an app. */
    public Result complete(VerifiedIdToken token, String fullName, String authorizationCode, String redirectUri,
                           SignInContext context) {
        try {
            appCheck.admit(appCheck.read(context.appCheck()), token.clientId(), true); // a browser sign-in: web
            final SignInContext bound = proven(context);
            return succeeded(token.provider(), afterCommit(token, accounts.signIn(token, fullName, bound),
                    authorizationCode, redirectUri, bound.dpopJkt()));
        } catch (RuntimeException e) {
            throw counted(token.provider(), e);
        }
    }

    /** Whether sessions may be bound to keys at all ({@code DPOP_MODE} is not {@code off}). */
    public boolean bindsKeys() {
        return dpop.isOn();
    }

    /**
     * The context with its DPoP proof checked (a session start): bound to the proof's key, or
     * unbound without one. A context bound already is not checked again: its proof's {@code jti}
     * is spent, and the browser flow checks the proof before it spends its one-time code.
     */
    public SignInContext proven(SignInContext context) {
        return context.dpopJkt() != null ? context : context.boundTo(dpop.bind(context.dpop(), true));
    }

    private Result succeeded(Provider provider, Result result) {
        metrics.signIn(provider.wireName(), AuthMetrics.SignIn.SUCCEEDED);
        return result;
    }

    /** A sign-in that did not happen: refused (by a check of the token, or a rule), or failed. */
    RuntimeException counted(Provider provider, RuntimeException e) {
        if (e instanceof IdTokenRejected rejected) {
            metrics.signInRefused(provider.wireName(), rejected.check());
        }
        metrics.signIn(provider.wireName(), e instanceof ApiException refusal && refusal.code().status() < 500
                ? AuthMetrics.SignIn.REFUSED : AuthMetrics.SignIn.FAILED);
        return e;
    }

    /** The Apple code exchange and our access token, once the sign-in committed. */
    private Result afterCommit(VerifiedIdToken token, SignedIn signedIn, String authorizationCode, String redirectUri,
                               String dpopJkt) {
        if (appleTokens != null) {
            appleTokens.afterSignIn(token, authorizationCode, redirectUri); // never fails the sign-in
        }
        final AccessTokens.Issued access = accessTokens.issue(signedIn.user().id(), signedIn.sessionId(),
                signedIn.user().role(), signedIn.clientId(), dpopJkt);
        return new Result(signedIn.user(), access, signedIn);
    }

    public UserProfile link(UUID userId, Provider provider, String idToken, String nonce, String fullName,
                            String authorizationCode, String ipAddress) {
        final VerifiedIdToken token = verify(provider, idToken, nonce);
        final UserProfile linked = acceptOnce(idToken, nonce, token,
                verified -> identities.link(userId, verified, fullName, ipAddress));
        if (appleTokens != null) {
            appleTokens.afterSignIn(token, authorizationCode); // so that unlinking can revoke it
        }
        return linked;
    }

    public String issueNonce() {
        return nonces.issue();
    }

    private VerifiedIdToken verify(Provider provider, String idToken, String nonce) {
        final IdTokenVerifier verifier = verifiers.get(provider);
        if (verifier == null || !verifier.isEnabled()) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED,
                    "Sign in with " + provider.wireName() + " is not enabled on this server.");
        }
        return verifier.verify(idToken, nonce);
    }

    /**
     * Runs {@code work} only if this token was not accepted before and its nonce (if any) is one we
     * issued and nobody used, both marked in one Redis round trip. Should the work fail, both are
     * given back: a refused or failed sign-in must be safe to retry.
     */
    private <T> T acceptOnce(String idToken, String nonce, VerifiedIdToken token, Function<VerifiedIdToken, T> work) {
        final Instant now = clock.instant();
        final SignInMarks.Mark tokenMark = replayProtection ? new SignInMarks.Mark(Sha256.hex(idToken),
                Duration.between(now, token.expiresAt().plus(IdTokenVerifier.LEEWAY))) : null;
        SignInMarks.Mark nonceMark = null;
        if (nonce != null) {
            final Instant expiry = nonces.expiry(nonce);
            if (expiry == null) {
                throw invalidNonce();
            }
            // Remembered until it would have expired anyway, and not a moment longer.
            nonceMark = new SignInMarks.Mark(Sha256.hex(nonce), Duration.between(now, expiry));
        }
        // The token's nonce claim never changes: a token always maps to one tag, and so one slot.
        final String tag = Sha256.hex(token.nonce() != null ? token.nonce() : idToken).substring(0, 16);
        switch (marks.take(tag, tokenMark, nonceMark)) {
            case TOKEN_USED -> throw new ApiException(ErrorCode.ID_TOKEN_REPLAYED, "This "
                    + token.provider().wireName() + " token was already used to sign in; get a fresh one from the"
                    + " provider's SDK.");
            case NONCE_USED -> throw invalidNonce();
            case BOTH -> { }
        }
        try {
            return work.apply(token);
        } catch (RuntimeException e) {
            marks.giveBack(tag, tokenMark, nonceMark);
            throw e;
        }
    }

    private static ApiException invalidNonce() {
        return new ApiException(ErrorCode.INVALID_NONCE, "nonce: not one this server issued, already used,"
                + " or expired; get a new one from /api/auth/nonce");
    }
}
