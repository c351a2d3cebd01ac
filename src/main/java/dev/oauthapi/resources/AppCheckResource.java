package dev.oauthapi.resources;

import dev.oauthapi.api.AppCheckRequests;
import dev.oauthapi.api.AppCheckResponses;
import dev.oauthapi.appcheck.AppAttestation;
import dev.oauthapi.appcheck.AppCheckChallenges;
import dev.oauthapi.appcheck.AppTokens;
import dev.oauthapi.http.RateLimited;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * App attestation: a challenge, then each platform's proof of the genuine app, answered with an
 * app token for {@code X-App-Check}. Unauthenticated, in a rate-limit bucket of its own.
 */
@Path("/api/app-check")
@Produces(MediaType.APPLICATION_JSON)
public final class AppCheckResource {
    private final AppAttestation attestation;

    public AppCheckResource(AppAttestation attestation) {
        this.attestation = attestation;
    }

    @POST
    @Path("/challenge")
    @RateLimited(RateLimited.Bucket.APP_CHECK)
    @Consumes(MediaType.WILDCARD)
    public AppCheckResponses.Challenge challenge() {
        return new AppCheckResponses.Challenge(attestation.challenge(), AppCheckChallenges.TTL.toSeconds());
    }

    @POST
    @Path("/apple/attestation")
    @RateLimited(RateLimited.Bucket.APP_CHECK)
    @Consumes(MediaType.APPLICATION_JSON)
    public AppCheckResponses.AppToken appleAttestation(@NotNull @Valid AppCheckRequests.AppleAttestation request) {
        return token(attestation.appleAttestation(request.keyId(), request.attestation(), request.challenge()));
    }

    @POST
    @Path("/apple/assertion")
    @RateLimited(RateLimited.Bucket.APP_CHECK)
    @Consumes(MediaType.APPLICATION_JSON)
    public AppCheckResponses.AppToken appleAssertion(@NotNull @Valid AppCheckRequests.AppleAssertion request) {
        return token(attestation.appleAssertion(request.keyId(), request.assertion(), request.challenge()));
    }

    @POST
    @Path("/android")
    @RateLimited(RateLimited.Bucket.APP_CHECK)
    @Consumes(MediaType.APPLICATION_JSON)
    public AppCheckResponses.AppToken android(@NotNull @Valid AppCheckRequests.Android request) {
        return token(attestation.android(request.integrityToken(), request.challenge(), request.packageName()));
    }

    @POST
    @Path("/debug")
    @RateLimited(RateLimited.Bucket.APP_CHECK)
    @Consumes(MediaType.APPLICATION_JSON)
    public AppCheckResponses.AppToken debug(@NotNull @Valid AppCheckRequests.Debug request) {
        return token(attestation.debug(request.debugToken()));
    }

    private static AppCheckResponses.AppToken token(AppTokens.Issued issued) {
        return new AppCheckResponses.AppToken(issued.token(), issued.expiresIn().toSeconds());
    }
}
