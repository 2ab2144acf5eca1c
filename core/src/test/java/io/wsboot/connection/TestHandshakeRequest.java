package io.wsboot.connection;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsboot.HandshakeRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * A {@link HandshakeRequest} of a fixed fd and path, for tests of the parts of a
 * connection.
 */
public final class TestHandshakeRequest implements HandshakeRequest {

	private final long fd;

	private final String path;

	private final Map<String, Object> attributes = new HashMap<>();

	public TestHandshakeRequest(long fd, String path) {
		this.fd = fd;
		this.path = path;
	}

	@Override
	public long getFd() {
		return this.fd;
	}

	@Override
	public String getMethod() {
		return "GET";
	}

	@Override
	public URI getUri() {
		return URI.create("ws://localhost" + this.path);
	}

	@Override
	public String getPath() {
		return this.path;
	}

	@Override
	public Map<String, String> getPathVariables() {
		return Map.of();
	}

	@Override
	public MultiValueMap<String, String> getQueryParams() {
		return new LinkedMultiValueMap<>();
	}

	@Override
	public HttpHeaders getHeaders() {
		return new HttpHeaders();
	}

	@Override
	public List<String> getOfferedSubprotocols() {
		return List.of();
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return null;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return null;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

}
