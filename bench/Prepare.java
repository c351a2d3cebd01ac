import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs users in through the real API before the load, JDK classes only: ID tokens from the fake
 * Google, then POST /api/auth/google for each. The first ACCESS sign-ins give the access tokens of
 * the authenticated workloads (one user each), the next REFRESH the refresh tokens that start the
 * rotation chain (one session each). Any answer other than 200 fails the preparation.
 *
 * <p>Usage: java Prepare.java API_URL GOOGLE_URL PREFIX START STEP ACCESS REFRESH ACCESS_OUT REFRESH_OUT
 * (subjects PREFIX + (START + i * STEP), all distinct).
 */
public final class Prepare {
    private static final Pattern ACCESS = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refreshToken\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: java Prepare.java API_URL GOOGLE_URL PREFIX START STEP ACCESS REFRESH ACCESS_OUT REFRESH_OUT");
            System.exit(2);
        }
        final String api = args[0];
        final String google = args[1];
        final int access = Integer.parseInt(args[5]);
        final int refresh = Integer.parseInt(args[6]);
        final int total = access + refresh;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        final HttpResponse<String> minted = http.send(HttpRequest.newBuilder(URI.create(google + "/mint?count=" + total
                        + "&prefix=" + args[2] + "&start=" + args[3] + "&step=" + args[4]))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (minted.statusCode() != 200) {
            throw new IllegalStateException("minting failed: HTTP " + minted.statusCode() + " " + minted.body());
        }
        final List<String> idTokens = minted.body().lines().filter(line -> !line.isEmpty()).toList();
        if (idTokens.size() != total) {
            throw new IllegalStateException("asked for " + total + " ID tokens, got " + idTokens.size());
        }

        // A few at a time, like apps would: enough to be quick, not a load test of its own.
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        final List<Future<String>> answers = new ArrayList<>();
        for (String idToken : idTokens) {
            answers.add(pool.submit(() -> signIn(http, api, idToken)));
        }
        final List<String> accessTokens = new ArrayList<>();
        final List<String> refreshTokens = new ArrayList<>();
        final Map<String, Integer> failures = new TreeMap<>();
        for (int i = 0; i < total; i++) {
            final String body;
            try {
                body = answers.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                failures.merge(e.getCause().getMessage(), 1, Integer::sum);
                continue;
            }
            if (i < access) {
                accessTokens.add(group(ACCESS, body));
            } else {
                refreshTokens.add(group(REFRESH, body));
            }
        }
        pool.shutdown();
        if (!failures.isEmpty()) {
            System.err.println("sign-in failures: " + failures);
            System.exit(1);
        }
        Files.write(Path.of(args[7]), accessTokens);
        Files.write(Path.of(args[8]), refreshTokens);
        System.out.println("signed in " + total + ": " + accessTokens.size() + " access tokens, "
                + refreshTokens.size() + " refresh tokens");
    }

    private static String signIn(HttpClient http, String api, String idToken) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/api/auth/google"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("User-Agent", "oauth-api-bench/prepare")
                .POST(HttpRequest.BodyPublishers.ofString("{\"idToken\":\"" + idToken
                        + "\",\"device\":{\"platform\":\"ios\",\"name\":\"bench\",\"appVersion\":\"3.0.0\"}}"));
        final String appToken = System.getenv("BENCH_APP_TOKEN"); // with app attestation on
        if (appToken != null && !appToken.isEmpty()) {
            request.header("X-App-Check", appToken);
        }
        final HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + answer.statusCode() + " " + codeOf(answer.body()));
        }
        return answer.body();
    }

    private static String group(Pattern pattern, String body) {
        final Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in the sign-in answer");
        }
        return matcher.group(1);
    }

    private static String codeOf(String problem) {
        final Matcher matcher = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(problem);
        return matcher.find() ? matcher.group(1) : "";
    }
}
