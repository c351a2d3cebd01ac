package dev.oauthapi.identity;

/** Hears each verification check as it passes or fails: how {@code check-id-token} prints them. */
public interface CheckListener {
    CheckListener SILENT = new CheckListener() {
        @Override
        public void passed(String check) {
        }

        @Override
        public void failed(String check, String detail) {
        }
    };

    void passed(String check);

    void failed(String check, String detail);
}
