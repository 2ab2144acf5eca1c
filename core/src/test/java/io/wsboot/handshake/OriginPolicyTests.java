package io.wsboot.handshake;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OriginPolicy}.
 */
class OriginPolicyTests {

	@Test
	void noOriginConfiguredAcceptsOnlyTheApplicationsOwnOrigin() {
		OriginPolicy policy = new OriginPolicy(List.of());
		assertThat(policy.isAnyOrigin()).isFalse();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "http://localhost:8080"))).isTrue();
		assertThat(policy.isAllowed(request("https://chat.example.com/ws", "https://chat.example.com"))).isTrue();
		assertThat(policy.isAllowed(request("https://chat.example.com/ws", "https://chat.example.com:443"))).isTrue();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "http://localhost:3000"))).isFalse();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "https://localhost:8080"))).isFalse();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "http://127.0.0.1:8080"))).isFalse();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "https://evil.example"))).isFalse();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "null"))).isFalse();
		assertThat(policy.isAllowed("https://evil.example")).isFalse();
	}

	@Test
	void requestWithoutOriginIsAccepted() {
		OriginPolicy policy = new OriginPolicy(List.of());
		assertThat(policy.isAllowed(MockServerHttpRequest.get("http://localhost:8080/chat").build())).isTrue();
	}

	@Test
	void configuredOriginsAreAcceptedBesidesTheApplicationsOwn() {
		OriginPolicy policy = new OriginPolicy(List.of("https://*.partner.example"));
		assertThat(policy.isAllowed(request("https://chat.example.com/ws", "https://chat.example.com"))).isTrue();
		assertThat(policy.isAllowed(request("https://chat.example.com/ws", "https://app.partner.example"))).isTrue();
		assertThat(policy.isAllowed(request("https://chat.example.com/ws", "https://evil.example"))).isFalse();
	}

	@Test
	void anyOriginAcceptsEveryOrigin() {
		OriginPolicy policy = new OriginPolicy(List.of("*"));
		assertThat(policy.isAnyOrigin()).isTrue();
		assertThat(policy.isAllowed("https://example.com")).isTrue();
		assertThat(policy.isAllowed("null")).isTrue();
	}

	@Test
	void anyOriginAcceptsEveryRequest() {
		OriginPolicy policy = new OriginPolicy(List.of("*"));
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "https://evil.example"))).isTrue();
		assertThat(policy.isAllowed(request("http://localhost:8080/chat", "null"))).isTrue();
	}

	@Test
	void originAcceptsOnlyThatOrigin() {
		OriginPolicy policy = new OriginPolicy(List.of("https://a.example", "https://b.example:8443"));
		assertThat(policy.isAnyOrigin()).isFalse();
		assertThat(policy.isAllowed("https://a.example")).isTrue();
		assertThat(policy.isAllowed("https://b.example:8443")).isTrue();
		assertThat(policy.isAllowed("https://b.example")).isFalse();
		assertThat(policy.isAllowed("http://a.example")).isFalse();
		assertThat(policy.isAllowed("https://a.example.evil.com")).isFalse();
		assertThat(policy.isAllowed("https://sub.a.example")).isFalse();
	}

	@Test
	void originsAreComparedWithoutCaseAndTrailingSlash() {
		OriginPolicy policy = new OriginPolicy(List.of("https://Chat.Example.com/"));
		assertThat(policy.isAllowed("https://chat.example.com")).isTrue();
		assertThat(policy.isAllowed("HTTPS://CHAT.EXAMPLE.COM")).isTrue();
		assertThat(policy.isAllowed("https://chat.example.com/")).isTrue();
	}

	@Test
	void wildcardPatternAcceptsSubdomains() {
		OriginPolicy policy = new OriginPolicy(List.of("https://*.example.com"));
		assertThat(policy.isAnyOrigin()).isFalse();
		assertThat(policy.isAllowed("https://app.example.com")).isTrue();
		assertThat(policy.isAllowed("https://a.b.example.com")).isTrue();
		assertThat(policy.isAllowed("https://App.Example.COM")).isTrue();
		assertThat(policy.isAllowed("https://example.com")).isFalse();
		assertThat(policy.isAllowed("http://app.example.com")).isFalse();
		assertThat(policy.isAllowed("https://app.example.com.evil.org")).isFalse();
	}

	@Test
	void portPatternAcceptsListedPorts() {
		OriginPolicy policy = new OriginPolicy(List.of("http://localhost:[*]", "https://example.com:[8443,9443]"));
		assertThat(policy.isAllowed("http://localhost")).isTrue();
		assertThat(policy.isAllowed("http://localhost:3000")).isTrue();
		assertThat(policy.isAllowed("https://example.com:9443")).isTrue();
		assertThat(policy.isAllowed("https://example.com:8080")).isFalse();
	}

	@Test
	void emptyListAcceptsNoOrigin() {
		OriginPolicy policy = new OriginPolicy(List.of());
		assertThat(policy.isAllowed("https://example.com")).isFalse();
	}

	private static ServerHttpRequest request(String uri, String origin) {
		return MockServerHttpRequest.get(uri).header("Origin", origin).build();
	}

}
