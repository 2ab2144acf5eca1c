package io.wsboot.handshake;

import java.util.List;
import java.util.Locale;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.Assert;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;

/**
 * Which {@code Origin} headers a handshake accepts: the application's own origin, and
 * those matched by Spring's {@link CorsConfiguration#setAllowedOriginPatterns(List)
 * allowed origin patterns}: an origin such as {@code https://example.com}, a pattern such
 * as {@code https://*.example.com} or {@code http://localhost:[*]}, or {@code *} for any.
 * Origins are compared without regard to case and a trailing {@code /} is ignored.
 * <p>
 * The application's own origin is the scheme, host and port of the request itself,
 * compared as Spring's {@link CorsUtils#isCorsRequest(ServerHttpRequest)} does: behind a
 * proxy, {@code Forwarded} and {@code X-Forwarded-*} headers count only as
 * {@code server.forward-headers-strategy} makes them count. With no origin configured, a
 * page of another origin cannot open a WebSocket with the user's cookies (cross-site
 * WebSocket hijacking).
 * <p>
 * A request without an {@code Origin} header (a client that is not a browser) is not
 * subject to the policy.
 *
 * @since 0.1.0
 * @see CorsConfiguration#checkOrigin(String)
 */
public final class OriginPolicy {

	private final CorsConfiguration configuration = new CorsConfiguration();

	private final boolean anyOrigin;

	/**
	 * Create a policy.
	 * @param allowedOrigins the origins and origin patterns accepted besides the
	 * application's own ({@code *} for any; none for the application's own only)
	 */
	public OriginPolicy(List<String> allowedOrigins) {
		Assert.notNull(allowedOrigins, "'allowedOrigins' must not be null");
		Assert.noNullElements(allowedOrigins, "'allowedOrigins' must not contain null elements");
		List<String> patterns = allowedOrigins.stream()
			.map((origin) -> origin.trim().toLowerCase(Locale.ROOT))
			.toList();
		this.anyOrigin = patterns.contains(CorsConfiguration.ALL);
		this.configuration.setAllowedOriginPatterns(patterns);
	}

	/**
	 * Return whether every origin is accepted.
	 * @return whether the policy accepts any origin
	 */
	public boolean isAnyOrigin() {
		return this.anyOrigin;
	}

	/**
	 * Return whether a handshake request is accepted: it carries no {@code Origin}, or
	 * the application's own, or one the policy allows.
	 * @param request the handshake request
	 * @return whether it is accepted
	 */
	public boolean isAllowed(ServerHttpRequest request) {
		Assert.notNull(request, "'request' must not be null");
		String origin = request.getHeaders().getOrigin();
		return origin == null || this.anyOrigin || isSameOrigin(request) || isAllowed(origin);
	}

	private static boolean isSameOrigin(ServerHttpRequest request) {
		try {
			return !CorsUtils.isCorsRequest(request);
		}
		catch (IllegalArgumentException ex) {
			// An Origin that is not an origin (such as 'null') is not the application's
			return false;
		}
	}

	/**
	 * Return whether a handshake with the given {@code Origin} header is accepted by the
	 * configured origins and patterns, not counting the application's own origin.
	 * @param origin the value of the {@code Origin} header
	 * @return whether it is accepted
	 */
	public boolean isAllowed(String origin) {
		Assert.notNull(origin, "'origin' must not be null");
		return this.anyOrigin || this.configuration.checkOrigin(origin.toLowerCase(Locale.ROOT)) != null;
	}

}
