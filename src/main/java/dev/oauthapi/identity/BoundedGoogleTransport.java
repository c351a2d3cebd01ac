package dev.oauthapi.identity;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transport Google's own client libraries (Play Integrity, and the service account's token
 * fetch) send through: each exchange bounded as a whole, in time and answer size, as our own JWKS
 * fetches are ({@link BoundedHttp}). The libraries' default transport bounds only each read, so a
 * slow or endless answer would hold a request thread for as long as it lasts.
 */
public final class BoundedGoogleTransport extends HttpTransport {
    /**
     * Headers the JDK's client sets itself and refuses from callers, and Accept-Encoding: a
     * compressed answer would be capped in its compressed size only.
     */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade",
            "accept-encoding");

    private final HttpClient http;
    private final Duration deadline;
    private final int maxBytes;

    public BoundedGoogleTransport(Duration deadline, int maxBytes) {
        this.http = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(HttpClient.Redirect.NEVER).build();
        this.deadline = deadline;
        this.maxBytes = maxBytes;
    }

    @Override
    protected LowLevelHttpRequest buildRequest(String method, String url) {
        return new Request(method, url);
    }

    private final class Request extends LowLevelHttpRequest {
        private final String method;
        private final String url;
        private final List<String[]> headers = new ArrayList<>();

        Request(String method, String url) {
            this.method = method;
            this.url = url;
        }

        @Override
        public void addHeader(String name, String value) {
            headers.add(new String[] {name, value});
        }

        @Override
        public LowLevelHttpResponse execute() throws IOException {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (getStreamingContent() != null) {
                getStreamingContent().writeTo(body);
            }
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(deadline)
                    .method(method, body.size() == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
            for (String[] header : headers) {
                if (!RESTRICTED.contains(header[0].toLowerCase(java.util.Locale.ROOT))) {
                    request.header(header[0], header[1]);
                }
            }
            if (getContentType() != null) {
                request.setHeader("Content-Type", getContentType());
            }
            if (getContentEncoding() != null) {
                request.setHeader("Content-Encoding", getContentEncoding());
            }
            final HttpResponse<byte[]> response = BoundedHttp.send(http, request.build(), deadline, maxBytes);
            if (!response.headers().firstValue("content-encoding").orElse("identity").equalsIgnoreCase("identity")) {
                throw new IOException("a compressed answer, which was not asked for");
            }
            return new Response(response);
        }
    }

    private static final class Response extends LowLevelHttpResponse {
        private final HttpResponse<byte[]> response;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();

        Response(HttpResponse<byte[]> response) {
            this.response = response;
            response.headers().map().forEach((name, values) -> values.forEach(value -> headers.add(Map.entry(name, value))));
        }

        @Override
        public InputStream getContent() {
            return new ByteArrayInputStream(response.body());
        }

        @Override
        public String getContentEncoding() {
            return null; // never compressed: see execute
        }

        @Override
        public long getContentLength() {
            return response.body().length;
        }

        @Override
        public String getContentType() {
            return response.headers().firstValue("content-type").orElse(null);
        }

        @Override
        public String getStatusLine() {
            return "HTTP/1.1 " + response.statusCode();
        }

        @Override
        public int getStatusCode() {
            return response.statusCode();
        }

        @Override
        public String getReasonPhrase() {
            return null;
        }

        @Override
        public int getHeaderCount() {
            return headers.size();
        }

        @Override
        public String getHeaderName(int index) {
            return headers.get(index).getKey();
        }

        @Override
        public String getHeaderValue(int index) {
            return headers.get(index).getValue();
        }
    }
}
