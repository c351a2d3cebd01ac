package dev.oauthapi.resources;

import dev.oauthapi.admin.AdminUsers;
import dev.oauthapi.admin.AuditEvent;
import dev.oauthapi.admin.UsageStats;
import dev.oauthapi.api.AdminUserResponse;
import dev.oauthapi.api.AuditEventResponse;
import dev.oauthapi.api.SessionResponse;
import dev.oauthapi.api.PasskeyResponse;
import dev.oauthapi.api.SignInResponse;
import dev.oauthapi.api.StatsResponse;
import dev.oauthapi.api.TokensResponse;
import dev.oauthapi.api.UserResponse;
import dev.oauthapi.api.WireTime;
import dev.oauthapi.sessions.Sessions.DeviceSession;
import dev.oauthapi.users.LinkedIdentity;
import dev.oauthapi.passkeys.Passkey;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.users.UserProfile;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * The domain's values as the wire records of {@code api/}, which know nothing of the domain: the
 * one place that maps one to the other.
 */
final class Wire {
    private Wire() {
    }

    /** A sign-in's answer, whichever way it came: an app's token, or the browser's code. */
    static SignInResponse signIn(SignInService.Result result, Clock clock) {
        return new SignInResponse(user(result.user()),
                TokensResponse.of(result.accessToken().token(), result.accessToken().type(),
                        result.accessToken().expiresAt(),
                        result.session().refreshToken(), result.session().refreshExpiresAt(), clock.instant()),
                result.session().isNewUser());
    }

    static PasskeyResponse passkey(Passkey passkey) {
        return new PasskeyResponse(passkey.id().toString(), passkey.name(), WireTime.format(passkey.createdAt()),
                WireTime.format(passkey.lastUsedAt()), passkey.backedUp(), passkey.authenticator());
    }

    static UserResponse user(UserProfile user) {
        return new UserResponse(user.id().toString(), user.email(), user.emailVerified(), user.name(),
                user.avatarUrl(), user.role(), WireTime.format(user.createdAt()),
                user.identities().stream().map(Wire::identity).toList(), user.passkeys(), user.anonymous());
    }

    private static UserResponse.IdentityResponse identity(LinkedIdentity identity) {
        return new UserResponse.IdentityResponse(identity.provider(), identity.email(), identity.isPrivateEmail(),
                WireTime.format(identity.linkedAt()));
    }

    static AdminUserResponse adminUser(AdminUsers.Account account) {
        return new AdminUserResponse(user(account.profile()), WireTime.format(account.disabledAt()),
                WireTime.format(account.lastSignInAt()), account.liveSessions(),
                account.passkeys().stream().map(Wire::passkey).toList());
    }

    static SessionResponse session(DeviceSession session, UUID currentSessionId) {
        return new SessionResponse(session.id().toString(), session.id().equals(currentSessionId), session.provider(),
                session.platform(), session.deviceName(), session.appVersion(), session.ipAddress(),
                session.userAgent(), WireTime.format(session.createdAt()), WireTime.format(session.lastUsedAt()),
                WireTime.format(session.expiresAt()));
    }

    static AuditEventResponse auditEvent(AuditEvent row) {
        return new AuditEventResponse(Long.toString(row.id()), row.action(), text(row.userId()), text(row.actorId()),
                text(row.sessionId()), row.ipAddress(), row.requestId(), row.details(), WireTime.format(row.occurredAt()));
    }

    static StatsResponse stats(UsageStats.Snapshot stats) {
        return new StatsResponse(
                new StatsResponse.Users(stats.users(), stats.disabled(), stats.anonymous(), stats.byRole(),
                        stats.byProvider()),
                new StatsResponse.Sessions(stats.liveSessions()),
                new StatsResponse.SignIns(stats.signInsLastDay(), stats.signInsLastWeek()));
    }

    private static String text(UUID id) {
        return Objects.toString(id, null);
    }
}
