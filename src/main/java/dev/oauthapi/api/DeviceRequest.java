package dev.oauthapi.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The device an app signs in from, as the app reports it; shown in the user's session list. */
public record DeviceRequest(
        @NotNull @Pattern(regexp = "ios|android|web|other", message = "must be ios, android, web or other")
        String platform,
        @Size(max = 200) String name,
        @Size(max = 50) String appVersion) {
}
