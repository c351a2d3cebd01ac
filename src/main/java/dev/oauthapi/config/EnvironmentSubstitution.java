package dev.oauthapi.config;

import io.dropwizard.configuration.ConfigurationSourceProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in the configuration file with values from
 * the environment, the way a shell does ({@code :-} also applies to a variable set to the empty
 * string).
 *
 * <p>Unlike Dropwizard's strict substitutor, which stops at the first undefined variable, this one
 * reads the whole file and then fails once, naming every missing variable: an operator fixing a
 * {@code .env} file should not have to restart the service once per forgotten line.
 *
 * <p>A placeholder written inside a double-quoted string gets its value escaped for a YAML double-quoted
 * scalar, so a password holding {@code "}, {@code \} or {@code #} reaches the configuration intact.
 */
public final class EnvironmentSubstitution implements ConfigurationSourceProvider {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final ConfigurationSourceProvider delegate;
    private final Function<String, String> environment;

    public EnvironmentSubstitution(ConfigurationSourceProvider delegate, Function<String, String> environment) {
        this.delegate = delegate;
        this.environment = environment;
    }

    @Override
    public InputStream open(String path) throws IOException {
        final String text;
        try (InputStream in = delegate.open(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new ByteArrayInputStream(substitute(path, text).getBytes(StandardCharsets.UTF_8));
    }

    String substitute(String path, String text) {
        final Set<String> missing = new TreeSet<>();
        final StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("(?<=\n)")) {
            // Placeholders in comments are documentation, not requirements.
            out.append(line.stripLeading().startsWith("#") ? line : substituteLine(line, missing));
        }
        if (!missing.isEmpty()) {
            throw new MissingEnvironmentException(path, missing);
        }
        return out.toString();
    }

    private String substituteLine(String line, Set<String> missing) {
        final Matcher placeholder = PLACEHOLDER.matcher(line);
        final StringBuilder out = new StringBuilder(line.length());
        while (placeholder.find()) {
            final String name = placeholder.group(1);
            final String fallback = placeholder.group(2);
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                value = fallback;
            }
            if (value == null) {
                missing.add(name);
                value = "";
            }
            if (insideDoubleQuotes(line, placeholder.start())) {
                value = escapeForDoubleQuotedYaml(value);
            }
            placeholder.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(out);
        return out.toString();
    }

    private static boolean insideDoubleQuotes(String line, int start) {
        boolean inside = false;
        for (int i = 0; i < start; i++) {
            if (line.charAt(i) == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                inside = !inside;
            }
        }
        return inside;
    }

    private static String escapeForDoubleQuotedYaml(String value) {
        final StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '"' -> escaped.append("\\\"");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
