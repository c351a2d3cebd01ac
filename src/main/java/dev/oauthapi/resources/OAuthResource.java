package dev.oauthapi.resources;

import dev.oauthapi.api.DeviceRequest;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.errors.OAuthErrors;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.signin.OAuthGrants;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.tokens.AccessTokens;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

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
    private final OAuthGrants grants;
    private final Clock clock;

    public OAuthResource(OAuthGrants grants, Clock clock) {
        this.grants = grants;
        this.clock = clock;
    }

    /**
     * The browser flow of {@code /api/auth/{provider}/authorize} for an OAuth client (RFC 6749
     * §4.1.1): {@code provider}, or its synonym {@code idp_hint}, picks Google or Apple.
     */
    @GET
    @Path("/authorize")
    @RateLimited(RateLimited.Bucket.AUTH)
    public Response authorize(@Context UriInfo uri) {
        try {
            final MultivaluedMap<String, String> query = uri.getQueryParameters();
            // Only the client and its redirect_uri are refused here: a repeat of another parameter
            // goes back to the client as invalid_request (RFC 6749 §4.1.2.1).
            final boolean repeated = query.entrySet().stream().anyMatch(parameter -> parameter.getValue().size() > 1
                    && !parameter.getKey().equals("client_id") && !parameter.getKey().equals("redirect_uri"));
            final String provider = query.getFirst("provider");
            final OAuthGrants.Authorization request = new OAuthGrants.Authorization(query.getFirst("response_type"),
                    single(query, "client_id"), single(query, "redirect_uri"), query.getFirst("code_challenge"),
                    query.getFirst("code_challenge_method"), query.getFirst("state"),
                    provider != null ? provider : query.getFirst("idp_hint"), query.getFirst("dpop_jkt"), repeated);
            return Response.status(Response.Status.FOUND).location(grants.authorize(request)).build();
        } catch (ApiException e) {
            // Never a redirect to a client or redirect_uri we do not know (§4.1.2.1): shown to the user.
            return OAuthErrors.of(e, e.code() == ErrorCode.INVALID_CLIENT ? "invalid_client" : "invalid_request",
                    e.code() == ErrorCode.PROVIDER_NOT_ENABLED ? 404 : 400);
        }
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
            if ("authorization_code".equals(grantType) && grants.servesCodeFlow()) {
                final DeviceRequest device = device(single(form, "device_platform"), single(form, "device_name"));
                final SignInService.Result result = grants.redeem(single(form, "code"), single(form, "code_verifier"),
                        single(form, "redirect_uri"), single(form, "client_id"), ClientContext.of(http, device));
                return tokens(result.accessToken(), result.session().refreshToken(), null);
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
            return OAuthErrors.of(e, !OAuthGrants.TOKEN_EXCHANGE.equals(form.getFirst("grant_type")));
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
            return Response.ok().build();
        } catch (ApiException e) {
            return OAuthErrors.of(e, true);
        }
    }

    /** The device a token exchange reports, checked as the JSON API's {@code device} is. */
    private static DeviceRequest device(String platform, String name) {
        if (platform == null) {
            return null;
        }
        final String device = QueryParams.text("device_name", name);
        if (device != null && device.length() > 200) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "device_name: at most 200 characters.");
        }
        return new DeviceRequest(QueryParams.oneOf("device_platform", platform, List.of("ios", "android", "web", "other")),
                device, null);
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
        return Response.ok(body).build(); // no-store, as every answer under /oauth/ (NoStoreFilter)
    }
}
