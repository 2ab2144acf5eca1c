package io.wsboot.handshake;

import java.util.Map;

import io.wsboot.HandshakeResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * {@link HandshakeResponse} that collects what an interceptor decided.
 */
final class DefaultHandshakeResponse implements HandshakeResponse {

	private final Map<String, String> headers = new LinkedCaseInsensitiveMap<>(8);

	private int status;

	private boolean ended;

	private @Nullable String body;

	@Override
	public HandshakeResponse status(int status) {
		Assert.isTrue(status >= 100 && status <= 599, () -> "'status' must be an HTTP status, not " + status);
		this.status = status;
		return this;
	}

	@Override
	public HandshakeResponse header(String name, String value) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(value, "'value' must not be null");
		this.headers.put(name, value);
		return this;
	}

	@Override
	public void end() {
		this.ended = true;
	}

	@Override
	public void end(String body) {
		Assert.notNull(body, "'body' must not be null");
		this.body = body;
		this.ended = true;
	}

	@Override
	public int getStatus() {
		return this.status;
	}

	@Override
	public boolean isEnded() {
		return this.ended;
	}

	Map<String, String> getHeaders() {
		return this.headers;
	}

	@Nullable String getBody() {
		return this.body;
	}

}
