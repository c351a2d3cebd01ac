package dev.oauthapi.auth;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.oauthapi.http.RateLimiter;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.tokens.AccessTokenClaims;
import dev.oauthapi.tokens.AccessTokens;
import io.dropwizard.auth.Authenticator;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a bearer token into the request's user. Checking an ES256 signature costs far more than
 * the rest of a plain authenticated read, so verified tokens are cached: bounded in size, each
 * entry dropped when its token expires. Only tokens that verified are cached, so garbage cannot
 * crowd out good entries. The session behind the token is checked on every request
 * ({@link SessionGate}), in the one Redis round trip that also counts the per-user rate limit and
 * reads the user's current role (in the principal) and profile version (left on the request). A bad token
 * or an ended session is an empty result (the filter answers 401); an exception only when the
 * session cannot be checked at all. Each refusal is counted.
 */
public final class AccessTokenAuthenticator implements Authenticator<BearerToken, AuthenticatedUser> {
    private final AccessTokens tokens;
    private final SessionGate sessions;
    private final Clock clock;
    private final Cache<String, AccessTokenClaims> verified;
    private final Meter rejected;
    private final Meter revoked;
    private final Duration rateWindow;
    private final DpopBinding dpop;

    /** @param rateWindow the window of the per-user rate limit, counted along with the session check */
    public AccessTokenAuthenticator(AccessTokens tokens, SessionGate sessions, DpopBinding dpop, Clock clock,
                                    MetricRegistry metrics, long cacheSize, Duration rateWindow) {
        this.dpop = dpop;
        this.rateWindow = rateWindow;
        this.tokens = tokens;
        this.sessions = sessions;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(Expiry.<String, AccessTokenClaims>creating((token, claims) -> untilExpiry(claims)))
                .build();
        this.rejected = metrics.meter(MetricRegistry.name(AccessTokenAuthenticator.class, "rejected"));
        this.revoked = metrics.meter(MetricRegistry.name(AccessTokenAuthenticator.class, "revoked-session"));
    }

    @Override
    public Optional<AuthenticatedUser> authenticate(BearerToken bearer) {
        final String token = bearer.value();
        AccessTokenClaims claims = verified.getIfPresent(token);
        if (claims == null) {
            final Optional<AccessTokenClaims> checked = tokens.verify(token);
            if (checked.isEmpty()) {
                rejected.mark();
                return Optional.empty();
            }
            claims = checked.get();
            verified.put(token, claims);
        }
        if (!clock.instant().isBefore(claims.expiresAt()) || !tokens.isKeyStillPublished(claims)) {
            // The cache's own expiry runs on the system ticker; the service's clock decides. And a
            // token whose key was removed from the folder is no longer good, cached or not.
            verified.invalidate(token);
            rejected.mark();
            return Optional.empty();
        }
        // A bound token, cached or not, works only with a proof by its key, for this request and token.
        if (claims.dpopJkt() != null && dpop.isOn()) {
            if (!bearer.dpop()) {
                rejected.mark();
                throw dpop.boundTokenAsBearer();
            }
            dpop.requireProof(bearer.proof(), token, claims.dpopJkt());
        }
        // Checked on every request, cached token or not: a revocation must bite on the next request.
        // The per-user rate limit is counted in the same Redis round trip.
        final SessionGate.Check check = sessions.check(claims.sessionId(), claims.userId(),
                RateLimiter.userCounter(claims.userId()), rateWindow);
        bearer.learnt(check.counted(), check.userVersion());
        if (!check.live()) {
            revoked.mark();
            return Optional.empty();
        }
        // The role as of now, not as the token was signed: a demotion bites on the next request.
        return Optional.of(new AuthenticatedUser(claims.userId(), claims.sessionId(), check.role(),
                dpop.isOn() ? claims.dpopJkt() : null));
    }

    private Duration untilExpiry(AccessTokenClaims claims) {
        final Duration left = Duration.between(clock.instant(), claims.expiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
