package dev.oauthapi.resources;

import dev.oauthapi.api.DeviceRequest;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.errors.RequestIds;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.signin.OAuthGrants;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.tokens.AccessTokens;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The standard OAuth endpoints (RFC 6749's wire format: form-encoded requests, and
 * {@code {"error", "error_description"}} answers, with our {@code code} and {@code requestId}
 * added). Thin: the grants are {@link OAuthGrants}'s, on the same domain as the JSON API.
 */
@Path("/oauth")
@Produces(MediaType.APPLICATION_JSON)
public final class OAuthResource {
    /** Session problems of a refresh: RFC 6749's {@code invalid_grant}. */
    private static final Set<ErrorCode> GRANT_ERRORS = Set.of(ErrorCode.INVALID_GRANT, ErrorCode.INVALID_REFRESH_TOKEN,
            ErrorCode.REFRESH_TOKEN_REUSED, ErrorCode.SESSION_REVOKED, ErrorCode.SESSION_EXPIRED,
            ErrorCode.ACCOUNT_DISABLED, ErrorCode.DPOP_PROOF_REFUSED);

    private final OAuthGrants grants;
    private final Clock clock;

    public OAuthResource(OAuthGrants grants, Clock clock) {
        this.grants = grants;
        this.clock = clock;
    }

    @POST
    @Path("/token")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response token(MultivaluedMap<String, String> form, @Context HttpServletRequest http) {
        try {
            final String grantType = single(form, "grant_type");
            if (OAuthGrants.TOKEN_EXCHANGE.equals(grantType)) {
                final DeviceRequest device = device(single(form, "device_platform"), single(form, "device_name"));
                final SignInService.Result result = grants.exchange(single(form, "subject_token"),
                        single(form, "subject_token_type"), single(form, "client_id"), single(form, "nonce"),
                        single(form, "authorization_code"), ClientContext.of(http, device));
                return tokens(result.accessToken(), result.session().refreshToken(), OAuthGrants.ACCESS_TOKEN_TYPE);
            }
            if ("refresh_token".equals(grantType)) {
                final RefreshRotation.Refreshed refreshed = grants.refresh(single(form, "refresh_token"),
                        single(form, "client_id"), ClientContext.address(http), ClientContext.appCheck(http),
                        ClientContext.dpop(http));
                return tokens(refreshed.accessToken(), refreshed.refreshToken(), null);
            }
            if (grantType == null) {
                throw new ApiException(ErrorCode.INVALID_REQUEST, "grant_type is required.");
            }
            throw new ApiException(ErrorCode.UNSUPPORTED_GRANT_TYPE, "grant_type " + grantType + " is not supported here.");
        } catch (ApiException e) {
            return error(e, "refresh_token".equals(form.getFirst("grant_type")));
        }
    }

    @POST
    @Path("/revoke")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(MultivaluedMap<String, String> form, @Context HttpServletRequest http) {
        try {
            single(form, "token_type_hint"); // either kind is looked for: the hint is only a hint (RFC 7009 §2.1)
            grants.revoke(single(form, "token"), single(form, "client_id"), ClientContext.address(http));
            return Response.ok().header("Cache-Control", "no-store").build();
        } catch (ApiException e) {
            return error(e, true);
        }
    }

    /** The device a token exchange reports, checked as the JSON API's {@code device} is. */
    private static DeviceRequest device(String platform, String name) {
        if (platform == null) {
            return null;
        }
        if (!Set.of("ios", "android", "web", "other").contains(platform) || name != null && name.length() > 200) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "device_platform must be ios, android, web or other;"
                    + " device_name at most 200 characters.");
        }
        return new DeviceRequest(platform, name == null ? null : dev.oauthapi.text.StorableText.strip(name), null);
    }

    /** A parameter sent at most once (RFC 6749 §3.2: never twice); null when absent or empty. */
    private static String single(MultivaluedMap<String, String> form, String name) {
        final List<String> values = form.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, name + " is sent more than once.");
        }
        return values.getFirst().isEmpty() ? null : values.getFirst();
    }

    private Response tokens(AccessTokens.Issued access, String refreshToken, String issuedTokenType) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access.token());
        body.put("token_type", access.type());
        body.put("expires_in", Math.max(0, Duration.between(clock.instant(), access.expiresAt()).toSeconds()));
        body.put("refresh_token", refreshToken);
        if (issuedTokenType != null) {
            body.put("issued_token_type", issuedTokenType);
        }
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /**
     * RFC 6749 §5.2's shape: the OAuth error its status and meaning call for, the detail as its
     * description, and our code and request id beside them; headers (DPoP-Nonce, Retry-After) kept.
     */
    private static Response error(ApiException e, boolean grantErrors) {
        final ErrorCode code = e.code();
        final int status;
        final String error;
        if (code == ErrorCode.INVALID_CLIENT || code == ErrorCode.APP_CHECK_REQUIRED) {
            // The contract's 401 for a missing app token here too: the app failed to prove itself.
            status = 401;
            error = "invalid_client";
        } else if (code == ErrorCode.UNSUPPORTED_GRANT_TYPE) {
            status = 400;
            error = "unsupported_grant_type";
        } else if (code == ErrorCode.USE_DPOP_NONCE || code == ErrorCode.INVALID_DPOP_PROOF) {
            status = 400;
            error = code.code();
        } else if (code.status() >= 500) {
            status = 503;
            error = "temporarily_unavailable";
        } else if (code.status() == 429) {
            status = 429;
            error = "slow_down";
        } else if (grantErrors && GRANT_ERRORS.contains(code)) {
            status = 400;
            error = "invalid_grant";
        } else {
            status = 400;
            error = "invalid_request";
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", e.getMessage());
        body.put("code", code.code());
        body.put("requestId", RequestIds.current());
        final Response.ResponseBuilder answer = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body).header("Cache-Control", "no-store");
        e.headers().forEach(answer::header);
        return answer.build();
    }
}
