package dev.oauthapi.signin;

import dev.oauthapi.appcheck.AppCheckGate;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SingleUseKeys;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.users.Guests;
import dev.oauthapi.users.MergeTokens;
import dev.oauthapi.users.SignInContext;
import dev.oauthapi.users.SignedIn;

import java.util.UUID;

/**
 * Guests as sign-ins: a guest's sign-up and the merge of a guest into the account its identity
 * belongs to both start a session, so both pass the app-check gate and bind to a DPoP proof like
 * every other sign-in. A guest's access tokens say {@code is_anonymous}.
 */
public final class GuestSignIn {
    /** A merge: the existing user signed in, and the guest that is gone. */
    public record Merged(SignInService.Result signedIn, UUID mergedFrom) {
    }

    private final boolean enabled;
    private final Guests guests;
    private final MergeTokens mergeTokens;
    private final SingleUseKeys usedMergeTokens;
    private final SignInService signIn;
    private final AppCheckGate appCheck;
    private final AccessTokens accessTokens;
    private final AuthMetrics metrics;

    /** @param enabled {@code ANONYMOUS_SIGN_IN} */
    public GuestSignIn(boolean enabled, Guests guests, MergeTokens mergeTokens, SingleUseKeys usedMergeTokens,
                       SignInService signIn, AppCheckGate appCheck, AccessTokens accessTokens, AuthMetrics metrics) {
        this.enabled = enabled;
        this.guests = guests;
        this.mergeTokens = mergeTokens;
        this.usedMergeTokens = usedMergeTokens;
        this.signIn = signIn;
        this.appCheck = appCheck;
        this.accessTokens = accessTokens;
        this.metrics = metrics;
    }

    /** A new guest, signed in. A guest is never web: with attestation enforced, only an app that proves itself gets one. */
    public SignInService.Result signUp(SignInContext context) {
        requireEnabled();
        try {
            appCheck.admit(appCheck.read(context.appCheck()), Guests.CLIENT, false);
            final SignInContext bound = signIn.proven(context);
            final SignedIn guest = guests.signUp(bound);
            final SignInService.Result result = new SignInService.Result(guest.user(), accessTokens.issue(
                    guest.user().id(), guest.sessionId(), guest.user().role(), guest.clientId(), bound.dpopJkt(), true),
                    guest);
            metrics.signIn(Guests.PROVIDER, AuthMetrics.SignIn.SUCCEEDED);
            return result;
        } catch (RuntimeException e) {
            // Counted as sign-ins are, under provider "anonymous": a flood of refused sign-ups shows.
            metrics.signIn(Guests.PROVIDER, e instanceof ApiException refusal && refusal.code().status() < 500
                    ? AuthMetrics.SignIn.REFUSED : AuthMetrics.SignIn.FAILED);
            throw e;
        }
    }

    /**
     * The guest {@code guestId} signs in to the account its {@code mergeToken} names. The token
     * works once, for this guest only, within its 10 minutes; it is spent before the merge runs, and
     * given back only when the merge failed on a store (a refusal changed nothing, and stays spent).
     */
    public Merged merge(UUID guestId, String mergeToken, SignInContext context) {
        requireEnabled();
        final MergeTokens.Claim claim = mergeTokens.open(mergeToken)
                .filter(opened -> opened.conflict().guestId().equals(guestId))
                .orElseThrow(() -> invalid("mergeToken: unknown, expired, or not this guest's."));
        final String client = claim.conflict().clientId();
        appCheck.admit(appCheck.read(context.appCheck()), client, appCheck.isWeb(client));
        final SignInContext bound = signIn.proven(context);
        if (!usedMergeTokens.markUsed(claim.id(), MergeTokens.LIFETIME)) {
            throw invalid("mergeToken: used already.");
        }
        final SignedIn merged;
        try {
            merged = guests.merge(claim.conflict(), bound);
        } catch (ApiException refused) {
            throw refused;
        } catch (RuntimeException failed) {
            usedMergeTokens.forget(claim.id()); // nothing happened: a retry may use it
            throw failed;
        }
        return new Merged(new SignInService.Result(merged.user(), accessTokens.issue(merged.user().id(),
                merged.sessionId(), merged.user().role(), merged.clientId(), bound.dpopJkt()), merged), guestId);
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, "Guest accounts are not enabled on this server"
                    + " (ANONYMOUS_SIGN_IN).");
        }
    }

    private static ApiException invalid(String detail) {
        return new ApiException(ErrorCode.INVALID_MERGE_TOKEN, detail);
    }
}
