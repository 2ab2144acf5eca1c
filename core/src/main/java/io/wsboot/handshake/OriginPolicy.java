package io.wsboot.handshake;

import java.util.List;
import java.util.Locale;

import org.springframework.util.Assert;
import org.springframework.web.cors.CorsConfiguration;

/**
 * Which {@code Origin} headers a handshake accepts, matched as Spring's
 * {@link CorsConfiguration#setAllowedOriginPatterns(List) allowed origin patterns}: an
 * origin such as {@code https://example.com}, a pattern such as
 * {@code https://*.example.com} or {@code http://localhost:[*]}, or {@code *} for any.
 * Origins are compared without regard to case and a trailing {@code /} is ignored.
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
	 * @param allowedOrigins the origins and origin patterns accepted ({@code *} for any)
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
	 * Return whether a handshake with the given {@code Origin} header is accepted.
	 * @param origin the value of the {@code Origin} header
	 * @return whether it is accepted
	 */
	public boolean isAllowed(String origin) {
		Assert.notNull(origin, "'origin' must not be null");
		return this.anyOrigin || this.configuration.checkOrigin(origin.toLowerCase(Locale.ROOT)) != null;
	}

}
