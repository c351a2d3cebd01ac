package dev.oauthapi.auth;

import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.errors.Problem;
import dev.oauthapi.errors.RequestIds;
import io.dropwizard.auth.UnauthorizedHandler;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The 401 of a missing, malformed, expired, tampered or revoked access token: the one error shape,
 * code {@code invalid_token}, and the RFC 6750 challenge (RFC 9449's to a token sent as
 * {@code DPoP}). It does not say which of those it was.
 */
public final class ProblemUnauthorizedHandler implements UnauthorizedHandler {
    @Override
    public Response buildResponse(String prefix, String realm) {
        final Problem problem = Problem.of(ErrorCode.INVALID_TOKEN,
                "Send a valid access token: Authorization: Bearer <accessToken>.");
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "DPoP".equals(prefix)
                        ? "DPoP error=\"invalid_token\", algs=\"" + DpopBinding.algorithms() + "\""
                        : "Bearer error=\"invalid_token\"")
                .header(RequestIds.HEADER, problem.requestId())
                .header("Cache-Control", "no-store")
                .entity(problem)
                .build();
    }
}
