package dev.oauthapi.config;

import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PasskeysConfigTest {
    private static final Validator VALIDATOR = Validators.newValidator();
    private static final String FINGERPRINT = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8"
            + ":8A:04:96:B2:3F:CF:44:E5";

    private static PasskeysConfig config(String rpId, String origins, String ios, String android) {
        return new PasskeysConfig(rpId, "", CommaSeparated.parse(origins), CommaSeparated.parse(ios),
                CommaSeparated.parse(android));
    }

    private static Set<String> problems(PasskeysConfig config) {
        return VALIDATOR.validate(config).stream().map(ConstraintViolation::getMessage).collect(Collectors.toSet());
    }

    @Test
    void aFullConfigurationIsValidAndNamesEveryAcceptedOrigin() {
        final PasskeysConfig config = config("example.com", "https://app.example.com", "ABCDE12345.com.example.app",
                "com.example.app=" + FINGERPRINT);

        assertThat(problems(config)).isEmpty();
        assertThat(config.isEnabled()).isTrue();
        assertThat(config.displayName()).isEqualTo("example.com");
        assertThat(config.acceptedOrigins()).containsExactlyInAnyOrder("https://app.example.com", "https://example.com",
                "android:apk-key-hash:FG3pg8VzBlDY7rmVLzT8ZBagg0LmHb6oigSWsj_PROU");
    }

    @Test
    void emptyIsOff() {
        assertThat(problems(config("", "", "", ""))).isEmpty();
        assertThat(config("", "", "", "").isEnabled()).isFalse();
    }

    @Test
    void whatCannotWorkFailsAtStartUp() {
        assertThat(problems(config("https://example.com", "", "", ""))).singleElement().asString()
                .startsWith("PASSKEY_RP_ID must be a domain name");
        assertThat(problems(config("example.com", "http://app.example.com", "", ""))).singleElement().asString()
                .startsWith("PASSKEY_ORIGINS must be https origins");
        assertThat(problems(config("example.com", "http://localhost:8080", "", ""))).as("dev mode's only")
                .singleElement().asString().startsWith("PASSKEY_ORIGINS must be https origins");
        assertThat(problems(config("localhost", "http://localhost:8080", "", ""))).isEmpty();
        assertThat(problems(config("example.com", "https://app.example.com/login", "", ""))).singleElement().asString()
                .startsWith("PASSKEY_ORIGINS must be https origins");
        assertThat(problems(config("example.com", "", "com.example.app", ""))).singleElement().asString()
                .startsWith("PASSKEY_IOS_APP_IDS");
        assertThat(problems(config("example.com", "", "", "com.example.app=AA:BB"))).singleElement().asString()
                .startsWith("PASSKEY_ANDROID_APPS");
        assertThat(problems(config("", "https://app.example.com", "", ""))).singleElement().asString()
                .startsWith("PASSKEY_ORIGINS, PASSKEY_IOS_APP_IDS and PASSKEY_ANDROID_APPS need PASSKEY_RP_ID");
    }
}
