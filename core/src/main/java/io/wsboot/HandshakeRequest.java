package io.wsboot;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;

/**
 * The HTTP request of a WebSocket handshake, as OpenSwoole's {@code Swoole\Http\Request}
 * in its {@code Handshake} callback.
 * <p>
 * Header names are case-insensitive. The request is only valid during the
 * {@link HandshakeInterceptor#handshake} call; the values of {@link #getAttributes()},
 * the path variables and the principal are kept on the connection's
 * {@link ConnectionInfo} for its lifetime.
 *
 * @since 0.1.0
 * @see HandshakeInterceptor
 */
public interface HandshakeRequest {

	/**
	 * Return the fd the connection will have once established. It is allocated for every
	 * handshake, accepted or not, and never reused.
	 * @return the fd
	 */
	long getFd();

	/**
	 * Return the HTTP method.
	 * @return the method, {@code GET} for every valid handshake
	 */
	String getMethod();

	/**
	 * Return the request URI.
	 * @return the URI
	 */
	URI getUri();

	/**
	 * Return the request path, without the query.
	 * @return the path
	 */
	String getPath();

	/**
	 * Return the variables of {@code wsboot.path} matched by this request, for example
	 * {@code room} of {@code /chat/{room}}.
	 * @return the path variables, empty when the pattern has none
	 */
	Map<String, String> getPathVariables();

	/**
	 * Return the query parameters.
	 * @return the decoded query parameters
	 */
	MultiValueMap<String, String> getQueryParams();

	/**
	 * Return the request headers (read-only).
	 * @return the headers
	 */
	HttpHeaders getHeaders();

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value or {@code null}
	 */
	default @Nullable String getHeader(String name) {
		return getHeaders().getFirst(name);
	}

	/**
	 * Return the subprotocols the client offered, in its order: all
	 * {@code Sec-WebSocket-Protocol} header lines, split at commas and trimmed.
	 * @return the offered subprotocols, empty when none
	 */
	List<String> getOfferedSubprotocols();

	/**
	 * Return the client's address.
	 * @return the remote address or {@code null} when unknown
	 */
	@Nullable InetSocketAddress getRemoteAddress();

	/**
	 * Return the authenticated principal of the exchange (Spring Security's, where there
	 * is one).
	 * @return the principal or {@code null}
	 */
	@Nullable Principal getPrincipal();

	/**
	 * Return the mutable attributes of this handshake. What the interceptor puts here
	 * stays on the connection's {@link ConnectionInfo#attributes()}.
	 * @return the attributes
	 */
	Map<String, Object> getAttributes();

}
