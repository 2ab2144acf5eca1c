package io.wsboot.test;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wsboot.HandshakeInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response to a raw handshake request sent by
 * {@link WebSocketTestClient#handshake()}: status, headers and body, with fluent
 * expectations whose failures show the whole response head. <pre class="code">
 * client.header("Sec-WebSocket-Version", "8")
 * 	.handshake()
 * 	.expectStatus(426)
 * 	.expectHeader("Sec-WebSocket-Version", "13");
 * </pre>
 *
 * @since 0.1.0
 */
public final class HandshakeResult {

	private final URI uri;

	private final @Nullable String key;

	private final String statusLine;

	private final int status;

	private final Map<String, List<String>> headers;

	private final String body;

	HandshakeResult(URI uri, @Nullable String key, String statusLine, int status, Map<String, List<String>> headers,
			String body) {
		this.uri = uri;
		this.key = key;
		this.statusLine = statusLine;
		this.status = status;
		Map<String, List<String>> copy = new LinkedHashMap<>();
		headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
		this.headers = Collections.unmodifiableMap(copy);
		this.body = body;
	}

	/**
	 * Return the status code.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Return the status line, such as {@code HTTP/1.1 101 Switching Protocols}.
	 * @return the status line
	 */
	public String statusLine() {
		return this.statusLine;
	}

	/**
	 * Return the response headers.
	 * @return the values by lower-case name, in the order received
	 */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

	/**
	 * Return the first value of a header.
	 * @param name the name, in any case
	 * @return the value, or {@code null} when the header is absent
	 */
	public @Nullable String header(String name) {
		List<String> values = headerValues(name);
		return values.isEmpty() ? null : values.get(0);
	}

	/**
	 * Return the values of a header, one per header line.
	 * @param name the name, in any case
	 * @return the values, empty when the header is absent
	 */
	public List<String> headerValues(String name) {
		Assert.notNull(name, "'name' must not be null");
		return this.headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
	}

	/**
	 * Return the body.
	 * @return the body as UTF-8 text, empty for a {@code 101} or a response without one
	 */
	public String body() {
		return this.body;
	}

	/**
	 * Check the status code.
	 * @param status the status expected
	 * @return this result
	 */
	public HandshakeResult expectStatus(int status) {
		assertThat(this.status).as("status of the handshake response from %s:%n%s", this.uri, this).isEqualTo(status);
		return this;
	}

	/**
	 * Check that a header has a value, on one of its lines.
	 * @param name the header name, in any case
	 * @param value the value expected, compared exactly
	 * @return this result
	 */
	public HandshakeResult expectHeader(String name, String value) {
		assertThat(headerValues(name))
			.as("values of header '%s' of the handshake response from %s:%n%s", name, this.uri, this)
			.contains(value);
		return this;
	}

	/**
	 * Check that a header is absent.
	 * @param name the header name, in any case
	 * @return this result
	 */
	public HandshakeResult expectNoHeader(String name) {
		assertThat(headerValues(name))
			.as("values of header '%s' of the handshake response from %s:%n%s", name, this.uri, this)
			.isEmpty();
		return this;
	}

	/**
	 * Check the body.
	 * @param body the body expected
	 * @return this result
	 */
	public HandshakeResult expectBody(String body) {
		assertThat(this.body).as("body of the handshake response from %s:%n%s", this.uri, this).isEqualTo(body);
		return this;
	}

	/**
	 * Check that the response is a {@code 101} that a compliant client accepts (RFC 6455
	 * §4.2.2): {@code Upgrade: websocket}, {@code Connection: upgrade} and the
	 * {@code Sec-WebSocket-Accept} value for the request's key.
	 * @return this result
	 */
	public HandshakeResult expectSwitchingProtocols() {
		expectStatus(101);
		assertThat(header("upgrade")).as("Upgrade of the handshake response from %s:%n%s", this.uri, this)
			.isEqualToIgnoringCase("websocket");
		assertThat(header("connection")).as("Connection of the handshake response from %s:%n%s", this.uri, this)
			.containsIgnoringCase("upgrade");
		Assert.state(this.key != null, "The request had no Sec-WebSocket-Key");
		assertThat(headerValues("sec-websocket-accept"))
			.as("Sec-WebSocket-Accept of the handshake response from %s:%n%s", this.uri, this)
			.containsExactly(HandshakeInterceptor.acceptKey(this.key));
		return this;
	}

	/**
	 * Return the response head and body as received (header names lower-cased).
	 * @return the response
	 */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(this.statusLine);
		this.headers.forEach(
				(name, values) -> values.forEach((value) -> text.append('\n').append(name).append(": ").append(value)));
		if (!this.body.isEmpty()) {
			text.append("\n\n").append(this.body);
		}
		return text.toString();
	}

}
