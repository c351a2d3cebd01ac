package dev.oauthapi.signin;

import dev.oauthapi.appcheck.AppCheckGate;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.passkeys.Credential;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.users.SignInContext;
import dev.oauthapi.users.SignedIn;
import dev.oauthapi.users.UserProfile;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sign-in with a passkey: an ordinary sign-in once the passkey's checks passed ({@link Passkeys}).
 * The same session start, tokens and audit row as a Google or Apple sign-in, provider
 * {@code passkey}; the session names the passkey, and ends when it is deleted. Its client is the
 * sign-in's {@code clientId} when given (one the service knows), else the verified origin.
 */
public final class PasskeySignIn {
    private static final String PROVIDER = "passkey";

    private final Passkeys passkeys;
    private final SessionLifecycle lifecycle;
    private final AccessTokens accessTokens;
    private final Set<String> knownClients;
    private final AuthMetrics metrics;
    private final AppCheckGate appCheck;
    private final DpopBinding dpop;
    private final Clock clock;

    /** @param knownClients the client ids a sign-in may name: the apps the service knows */
    public PasskeySignIn(Passkeys passkeys, SessionLifecycle lifecycle, AccessTokens accessTokens,
                         Set<String> knownClients, AuthMetrics metrics, AppCheckGate appCheck, DpopBinding dpop,
                         Clock clock) {
        this.appCheck = appCheck;
        this.dpop = dpop;
        this.passkeys = passkeys;
        this.lifecycle = lifecycle;
        this.accessTokens = accessTokens;
        this.knownClients = Set.copyOf(knownClients);
        this.metrics = metrics;
        this.clock = clock;
    }

    public SignInService.Result signIn(Credential credential, String clientId, SignInContext context) {
        try {
            if (clientId != null && !knownClients.contains(clientId)) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, "clientId is not a client this service knows.");
            }
            final AppCheckGate.Presented app = appCheck.read(context.appCheck());
            final SignInContext bound = context.boundTo(dpop.bind(context.dpop(), true));
            final SignedIn signedIn = passkeys.signIn(credential, verified -> {
                final String client = clientId != null ? clientId : verified.assertion().origin();
                // Web only when the verified origin is a web one (iOS apps send https://<RP ID>).
                final boolean web = appCheck.isWeb(verified.assertion().origin());
                if (appCheck.isOn() && !web && appCheck.isWeb(client)) {
                    // Its refreshes would pass as a web client's: the stored client must not say more
                    // than the origin proved.
                    throw new ApiException(ErrorCode.INVALID_REQUEST, "clientId: a web client, but this passkey"
                            + " was used by an app (its origin is not a web one).");
                }
                appCheck.admit(app, client, web);
                return start(verified, client, bound);
            });
            final AccessTokens.Issued access = accessTokens.issue(signedIn.user().id(), signedIn.sessionId(),
                    signedIn.user().role(), signedIn.clientId(), bound.dpopJkt());
            metrics.signIn(PROVIDER, AuthMetrics.SignIn.SUCCEEDED);
            return new SignInService.Result(signedIn.user(), access, signedIn);
        } catch (ApiException e) {
            metrics.signIn(PROVIDER, e.code().status() < 500 ? AuthMetrics.SignIn.REFUSED : AuthMetrics.SignIn.FAILED);
            throw e;
        } catch (RuntimeException e) {
            metrics.signIn(PROVIDER, AuthMetrics.SignIn.FAILED);
            throw e;
        }
    }

    private SignedIn start(Passkeys.Verified verified, String client, SignInContext context) {
        return lifecycle.inTransaction(tx -> {
            final UUID userId = verified.found().passkey().userId();
            final UUID passkeyId = verified.found().passkey().id();
            final SessionLifecycle.PasskeyStart start = tx.signInWithPasskey(new SessionLifecycle.NewSession(userId,
                            PROVIDER, client, context.platform(), context.deviceName(), context.appVersion(),
                            context.ipAddress(), context.userAgent(), context.dpopJkt()), passkeyId,
                    verified.found().passkey().signCount(), verified.assertion().signCount(),
                    verified.assertion().backedUp(),
                    Map.of("provider", PROVIDER, "newUser", false, "passkeyId", passkeyId.toString()))
                    .orElseThrow(() -> new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account no longer exists."));
            if (start.started() == null) {
                if (start.user().user().isDisabled()) {
                    throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
                }
                throw Passkeys.counterMoved();
            }
            Passkeys.auditAnomaly(tx, verified);
            final SessionLifecycle.Started started = start.started();
            return new SignedIn(UserProfile.of(start.user()), false, started.session().id(), client,
                    started.refreshToken(), started.session().expiresAt());
        });
    }
}
