package io.wsboot.handshake;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsboot.HandshakeRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;

/**
 * {@link HandshakeRequest} over a WebFlux request.
 */
final class DefaultHandshakeRequest implements HandshakeRequest {

	private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

	private final long fd;

	private final ServerHttpRequest request;

	private final Map<String, String> pathVariables;

	private final @Nullable Principal principal;

	private @Nullable Map<String, Object> attributes;

	private @Nullable List<String> offeredSubprotocols;

	DefaultHandshakeRequest(long fd, ServerHttpRequest request, Map<String, String> pathVariables,
			@Nullable Principal principal) {
		this.fd = fd;
		this.request = request;
		this.pathVariables = pathVariables;
		this.principal = principal;
	}

	@Override
	public long getFd() {
		return this.fd;
	}

	@Override
	public String getMethod() {
		return this.request.getMethod().name();
	}

	@Override
	public URI getUri() {
		return this.request.getURI();
	}

	@Override
	public String getPath() {
		return this.request.getPath().value();
	}

	@Override
	public Map<String, String> getPathVariables() {
		return this.pathVariables;
	}

	@Override
	public MultiValueMap<String, String> getQueryParams() {
		return this.request.getQueryParams();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.request.getHeaders();
	}

	@Override
	public List<String> getOfferedSubprotocols() {
		List<String> offered = this.offeredSubprotocols;
		if (offered == null) {
			offered = parseSubprotocols(this.request.getHeaders().get(SEC_WEBSOCKET_PROTOCOL));
			this.offeredSubprotocols = offered;
		}
		return offered;
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.request.getRemoteAddress();
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.principal;
	}

	@Override
	public Map<String, Object> getAttributes() {
		Map<String, Object> attributes = this.attributes;
		if (attributes == null) {
			attributes = new HashMap<>();
			this.attributes = attributes;
		}
		return attributes;
	}

	Map<String, Object> attributesOrEmpty() {
		return (this.attributes != null) ? this.attributes : Map.of();
	}

	static List<String> parseSubprotocols(@Nullable List<String> lines) {
		if (lines == null || lines.isEmpty()) {
			return List.of();
		}
		List<String> result = new ArrayList<>(4);
		for (String line : lines) {
			for (String value : StringUtils.tokenizeToStringArray(line, ",")) {
				result.add(value);
			}
		}
		return List.copyOf(result);
	}

	@Override
	public String toString() {
		return "HandshakeRequest{fd=" + this.fd + ", path=" + getPath() + "}";
	}

}
