package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;

import java.net.URI;

/** {@code PATCH /api/profile}: members left out stay as they are. */
public record ProfileUpdateRequest(
        @Size(min = 1, max = 100) String name,
        @Size(max = 2048) String avatarUrl) {

    @JsonIgnore
    @AssertTrue(message = "name must not be blank")
    public boolean isNameNotBlank() {
        return name == null || !name.isBlank();
    }

    @JsonIgnore
    @AssertTrue(message = "avatarUrl must be an https URL")
    public boolean isAvatarUrlHttps() {
        if (avatarUrl == null) {
            return true;
        }
        try {
            final URI uri = new URI(avatarUrl);
            return "https".equals(uri.getScheme()) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
