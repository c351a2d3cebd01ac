package dev.oauthapi.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code GET /docs}: Swagger UI over our {@code /openapi.yaml}, its files from the
 * {@code org.webjars:swagger-ui} jar (served under {@code /docs/assets/}). "Authorize" takes an
 * access token for the Bearer scheme for "Try it out" on the protected endpoints, and forgets it
 * with the page: a token kept in localStorage would be readable by any script that ever ran on
 * this origin. The page and its start-up script are ours, under a strict Content-Security-Policy
 * (scripts, styles and requests to our own origin only; nothing inline), and Swagger UI never
 * reads a description URL from the query string.
 */
@Path("/docs")
public final class DocsResource {
    /** Where the webjar keeps its files, for the asset servlet. */
    public static final String ASSETS = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion();

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>oauth-api: API documentation</title>
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script src="/docs/start.js"></script>
            </body>
            </html>
            """;

    /**
     * Swagger UI's stylesheet draws its icons as {@code data:} images; everything else is ours.
     * React sets styles through the DOM, which {@code style-src 'self'} allows.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String START = """
            window.ui = SwaggerUIBundle({
              url: '/openapi.yaml',
              dom_id: '#swagger-ui',
              deepLinking: true,
              persistAuthorization: false,
              tryItOutEnabled: false,
              queryConfigEnabled: false
            });
            """;

    /** Swagger UI: our page at {@code /docs}, the webjar's files under {@code /docs/assets/}. */
    public static void register(io.dropwizard.core.setup.Environment environment) {
        environment.jersey().register(new DocsResource());
        environment.servlets().addServlet("docs-assets", new io.dropwizard.servlets.assets.AssetServlet(ASSETS,
                        "/docs/assets", null, java.nio.charset.StandardCharsets.UTF_8))
                .addMapping("/docs/assets/*");
    }

    @GET
    @Produces("text/html; charset=utf-8")
    public Response page() {
        return Response.ok(PAGE).header("Content-Security-Policy", POLICY).build();
    }

    @GET
    @Path("/start.js")
    @Produces("text/javascript; charset=utf-8")
    public String start() {
        return START;
    }

    private static String webjarVersion() {
        try (InputStream in = DocsResource.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("the swagger-ui webjar is not on the class path", e));
        }
    }
}
