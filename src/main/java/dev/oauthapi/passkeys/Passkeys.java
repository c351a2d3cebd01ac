package dev.oauthapi.passkeys;

import dev.oauthapi.config.PasskeysConfig;
import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.PasskeyDao;
import dev.oauthapi.db.PasskeyRow;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.UniqueViolation;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SignInMarks;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.Sha256;
import dev.oauthapi.users.Guests;
import dev.oauthapi.users.Profiles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A user's passkeys: the options and the registration, the list, renaming and deleting, and the
 * checks of a sign-in (the session it starts is {@code signin/}'s). Off unless
 * {@code PASSKEY_RP_ID} is set: every call then answers {@code 404 provider_not_enabled}.
 */
public final class Passkeys {
    /** How long a client may take over a ceremony: the challenge's lifetime. */
    static final long TIMEOUT_MILLIS = PasskeyChallenges.TTL.toMillis();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final PasskeysConfig config;
    private final Jdbi jdbi;
    private final SessionLifecycle lifecycle;
    private final PasskeyChallenges challenges;
    private final PasskeyVerifier verifier;
    private final SignInMarks marks;
    private final Authenticators authenticators;
    private final AuthMetrics metrics;
    private final RowIds ids;
    private final SecureRandom random;
    private final Clock clock;

    /** A sign-in's checks passed: the passkey, its owner, what the assertion proved. */
    public record Verified(PasskeyDao.WithOwner found, PasskeyVerifier.Assertion assertion) {
    }

    public Passkeys(PasskeysConfig config, Jdbi jdbi, SessionLifecycle lifecycle, PasskeyChallenges challenges,
                    SignInMarks marks, Authenticators authenticators, AuthMetrics metrics, RowIds ids,
                    SecureRandom random, Clock clock) {
        this.config = config;
        this.jdbi = jdbi;
        this.lifecycle = lifecycle;
        this.challenges = challenges;
        this.verifier = config.isEnabled() ? new PasskeyVerifier(config.rpId(), config.acceptedOrigins()) : null;
        this.marks = marks;
        this.authenticators = authenticators;
        this.metrics = metrics;
        this.ids = ids;
        this.random = random;
        this.clock = clock;
    }

    public boolean isEnabled() {
        return config.isEnabled();
    }

    /**
     * Registration options for a signed-in user: the account name the authenticator shows is
     * {@code name}, else the e-mail, else the user's name, else "Account" and the start of the
     * user's random handle (never the user id).
     */
    public Options.Creation registrationOptions(UUID userId, String name) {
        requireEnabled();
        final byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        return jdbi.withHandle(handle -> {
            final UserRow user = new UserDao(handle).find(userId).orElseThrow(Profiles::userGone);
            final byte[] userHandle = new PasskeyDao(handle).userHandle(userId, fresh).orElseThrow(Profiles::userGone);
            final String accountName = firstOf(name, user.email(), user.name(),
                    "Account " + BASE64URL.encodeToString(userHandle).substring(0, 8));
            final List<Options.Existing> exclude = new PasskeyDao(handle).ofUser(userId).stream()
                    .map(passkey -> new Options.Existing(passkey.credentialId(), transports(passkey))).toList();
            return new Options.Creation(config.rpId(), config.displayName(), userHandle, accountName,
                    firstOf(user.name(), accountName), challenges.issue(userId), PasskeyVerifier.ALGORITHMS, exclude,
                    TIMEOUT_MILLIS);
        });
    }

    /** Options for a sign-in with a discoverable passkey: no user, no credentials listed. */
    public Options.Request authenticationOptions() {
        requireEnabled();
        return new Options.Request(config.rpId(), challenges.issue(null), TIMEOUT_MILLIS);
    }

    /**
     * Registers a passkey for a signed-in user, its challenge used once: {@code 400 invalid_passkey}
     * naming the failed check, {@code 409 passkey_already_registered} for a credential we know.
     */
    public Passkey register(UUID userId, Credential credential, String label, String ipAddress) {
        requireEnabled();
        return counted("registration", ErrorCode.INVALID_PASSKEY_REGISTRATION, metrics::passkeyRegistration, () -> {
            final byte[] clientData = WebAuthnBase64.decode("clientDataJSON", credential.clientDataJSON());
            final byte[] attestation = WebAuthnBase64.decode("attestationObject", credential.attestationObject());
            final byte[] challenge = verifier.challengeOf(clientData);
            final Instant expiry = challenges.open(challenge, userId);
            return view(once(challenge, expiry, () -> {
                final PasskeyVerifier.Registration registration = verifier.register(clientData, attestation, challenge);
                requireSameId(credential, registration.credentialId());
                return store(userId, registration, credential.transports(), label, ipAddress);
            }));
        });
    }

    private PasskeyRow store(UUID userId, PasskeyVerifier.Registration registration, List<String> transports,
                             String label, String ipAddress) {
        final PasskeyRow passkey = new PasskeyRow(ids.next(), userId, registration.credentialId(),
                registration.publicKey(), registration.algorithm(), registration.signCount(),
                String.join(",", transports.stream().filter(transport -> transport.matches("[a-z-]{1,32}"))
                        .distinct().toList()),
                registration.backupEligible(), registration.backedUp(),
                new UUID(0, 0).equals(registration.aaguid()) ? null : registration.aaguid(), label,
                clock.instant(), null);
        try {
            return lifecycle.inTransaction(tx -> {
                new UserDao(tx.handle()).lock(userId).orElseThrow(Profiles::userGone);
                new PasskeyDao(tx.handle()).insert(passkey);
                final Map<String, Object> details = new LinkedHashMap<>();
                details.put("passkeyId", passkey.id().toString());
                details.put("backedUp", passkey.backedUp());
                details.put("origin", registration.origin());
                tx.audit(Audit.Event.PASSKEY_REGISTERED, userId, userId, null, ipAddress, details);
                Guests.upgraded(tx, userId, "passkey", ipAddress, passkey.createdAt());
                tx.profileChanged(userId); // the profile counts the user's passkeys
                return passkey;
            });
        } catch (UnableToExecuteStatementException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.PASSKEY_ALREADY_REGISTERED,
                        "This passkey is already registered.");
            }
            throw e;
        }
    }

    /**
     * The checks of a sign-in with a passkey, up to and including its challenge's single use: the
     * credential must be one we know, its user handle its owner's, and every check of
     * {@link PasskeyVerifier} pass. {@code 401 invalid_passkey} otherwise, naming the check.
     */
    public <T> T signIn(Credential credential, Function<Verified, T> session) {
        requireEnabled();
        return counted("sign_in", ErrorCode.INVALID_PASSKEY, metrics::passkeySignIn, () -> {
            final byte[] credentialId = WebAuthnBase64.decode("rawId", credential.rawId());
            final byte[] clientData = WebAuthnBase64.decode("clientDataJSON", credential.clientDataJSON());
            final byte[] authenticatorData = WebAuthnBase64.decode("authenticatorData", credential.authenticatorData());
            final byte[] signature = WebAuthnBase64.decode("signature", credential.signature());
            final byte[] userHandle = credential.userHandle() == null || credential.userHandle().isEmpty() ? null
                    : WebAuthnBase64.decode("userHandle", credential.userHandle());
            final byte[] challenge = verifier.challengeOf(clientData);
            final Instant expiry = challenges.open(challenge, null);
            final PasskeyDao.WithOwner found = jdbi.withHandle(handle ->
                    new PasskeyDao(handle).findByCredentialId(credentialId))
                    .orElseThrow(() -> new PasskeyRejected("credential", "no passkey is registered with this id"));
            // A discoverable credential names its user: it must be the passkey's owner.
            if (userHandle != null && !MessageDigest.isEqual(userHandle, found.userHandle())) {
                throw new PasskeyRejected("userHandle", "the user handle is not the passkey owner's");
            }
            final PasskeyRow passkey = found.passkey();
            // Marked used first: a replay is "challengeUsed", never mistaken for a cloned authenticator.
            return once(challenge, expiry, () -> session.apply(new Verified(found,
                    authenticate(passkey, credentialId, userHandle, authenticatorData, clientData, signature, challenge))));
        });
    }

    /**
     * Runs a ceremony, counting its outcome; a failed check becomes {@code refusal}, the contract's
     * {@code invalid_passkey}, with the check first in its detail and in the refusal's metric label.
     */
    private <T> T counted(String ceremony, ErrorCode refusal, java.util.function.Consumer<AuthMetrics.SignIn> outcome,
                          java.util.function.Supplier<T> work) {
        try {
            final T done = work.get();
            outcome.accept(AuthMetrics.SignIn.SUCCEEDED);
            return done;
        } catch (PasskeyRejected e) {
            metrics.passkeyRefused(ceremony, e.check());
            outcome.accept(AuthMetrics.SignIn.REFUSED);
            throw new ApiException(refusal, e.getMessage());
        } catch (ApiException e) {
            outcome.accept(e.code().status() < 500 ? AuthMetrics.SignIn.REFUSED : AuthMetrics.SignIn.FAILED);
            throw e;
        } catch (RuntimeException e) {
            outcome.accept(AuthMetrics.SignIn.FAILED);
            throw e;
        }
    }

    /** The assertion's checks; a device-bound passkey whose counter went back is audited as a possible clone. */
    private PasskeyVerifier.Assertion authenticate(PasskeyRow passkey, byte[] credentialId, byte[] userHandle,
                                                   byte[] authenticatorData, byte[] clientData, byte[] signature,
                                                   byte[] challenge) {
        try {
            return verifier.authenticate(new PasskeyVerifier.Stored(passkey.credentialId(), passkey.publicKey(),
                    passkey.signCount(), passkey.backupEligible()), credentialId, userHandle, authenticatorData,
                    clientData, signature, challenge);
        } catch (PasskeyRejected e) {
            if ("counter".equals(e.check())) {
                lifecycle.inTransaction(tx -> {
                    tx.audit(Audit.Event.PASSKEY_COUNTER_ANOMALY, passkey.userId(), null, null, null,
                            Map.of("passkeyId", passkey.id().toString(), "refused", true));
                    return null;
                });
            }
            throw e;
        }
    }

    /** Another sign-in moved the passkey's counter meanwhile: a replayed or parallel assertion. */
    public static RuntimeException counterMoved() {
        return new PasskeyRejected("counter", "another sign-in used this passkey's counter value");
    }

    /** A synced passkey whose counter did not move signs in, audited, in the sign-in's transaction. */
    public static void auditAnomaly(SessionLifecycle.Transaction tx, Verified verified) {
        if (verified.assertion().counterAnomaly()) {
            final PasskeyRow passkey = verified.found().passkey();
            tx.audit(Audit.Event.PASSKEY_COUNTER_ANOMALY, passkey.userId(), passkey.userId(), null, null,
                    Map.of("passkeyId", passkey.id().toString(), "refused", false));
        }
    }

    public List<Passkey> list(UUID userId) {
        return jdbi.withHandle(handle -> new PasskeyDao(handle).ofUser(userId)).stream().map(this::view).toList();
    }

    /** The passkeys of several users, by user: what the admin API shows of each. */
    public Map<UUID, List<Passkey>> ofUsers(List<UUID> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(handle -> new PasskeyDao(handle).ofUsers(userIds)).stream()
                .collect(java.util.stream.Collectors.groupingBy(PasskeyRow::userId, LinkedHashMap::new,
                        java.util.stream.Collectors.mapping(this::view, java.util.stream.Collectors.toList())));
    }

    public Passkey rename(UUID userId, UUID passkeyId, String name) {
        return view(jdbi.withHandle(handle -> new PasskeyDao(handle).rename(userId, passkeyId, name))
                .orElseThrow(Passkeys::notFound));
    }

    private Passkey view(PasskeyRow passkey) {
        return new Passkey(passkey.id(), passkey.name(), passkey.createdAt(), passkey.lastUsedAt(), passkey.backedUp(),
                authenticators.nameOf(passkey.aaguid()));
    }

    /**
     * Deletes a passkey of the user and ends the sessions signed in with it. The last way to sign
     * in stays: deleting the last passkey of a user with no identity is {@code 409 last_identity}.
     *
     * @param actorId who deletes it: the user, or an admin
     */
    public void delete(UUID userId, UUID passkeyId, UUID actorId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            new UserDao(tx.handle()).lock(userId).orElseThrow(Passkeys::notFound);
            final PasskeyDao passkeys = new PasskeyDao(tx.handle());
            final List<PasskeyRow> owned = passkeys.ofUser(userId);
            if (owned.stream().noneMatch(passkey -> passkey.id().equals(passkeyId))) {
                throw notFound();
            }
            if (owned.size() == 1 && new IdentityDao(tx.handle()).findByUser(userId).isEmpty()) {
                throw new ApiException(ErrorCode.LAST_IDENTITY,
                        "This is the only way to sign in to this account; add another passkey or link a provider first.");
            }
            final int ended = tx.endOfPasskey(userId, passkeyId, "passkey_deleted");
            passkeys.delete(userId, passkeyId);
            tx.audit(Audit.Event.PASSKEY_DELETED, userId, actorId, null, ipAddress,
                    Map.of("passkeyId", passkeyId.toString(), "sessionsEnded", ended));
            tx.profileChanged(userId);
            return null;
        });
    }

    /** Runs {@code work} once this challenge is marked used; gives the mark back if the work fails. */
    private <T> T once(byte[] challenge, Instant expiry, java.util.function.Supplier<T> work) {
        return marks.once(HexFormat.of().formatHex(Sha256.of(challenge)),
                Duration.between(clock.instant(), expiry).plusSeconds(1), work,
                () -> new PasskeyRejected("challengeUsed", "this challenge was already used; ask for new options"));
    }

    private void requireEnabled() {
        if (!config.isEnabled()) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, "Passkeys are not enabled on this server.");
        }
    }

    private static void requireSameId(Credential credential, byte[] registered) {
        final byte[] rawId = WebAuthnBase64.decode("rawId", credential.rawId());
        if (!MessageDigest.isEqual(rawId, registered)) {
            throw new PasskeyRejected("credentialId", "rawId is not the credential the authenticator registered");
        }
    }

    private static List<String> transports(PasskeyRow passkey) {
        return passkey.transports().isEmpty() ? List.of() : List.of(passkey.transports().split(","));
    }

    private static String firstOf(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    private static ApiException notFound() {
        return new ApiException(ErrorCode.NOT_FOUND, "No such passkey.");
    }
}
