package dev.oauthapi.auth;

import io.dropwizard.auth.Authorizer;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * {@code @RolesAllowed}, the Dropwizard way: a user is in a role when their role is that one. The
 * role is the user's role as of this request (the session check reads it), not the one their
 * access token was signed with, so a demotion bites on the next request.
 */
public final class RoleAuthorizer implements Authorizer<AuthenticatedUser> {
    @Override
    public boolean authorize(AuthenticatedUser user, String role, ContainerRequestContext request) {
        return role.equals(user.role());
    }
}
