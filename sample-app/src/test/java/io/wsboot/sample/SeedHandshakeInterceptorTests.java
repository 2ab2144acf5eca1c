package io.wsboot.sample;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsboot.HandshakeRequest;
import io.wsboot.HandshakeResponse;
import io.wsboot.WebSocketServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link SeedHandshakeInterceptor}.
 */
class SeedHandshakeInterceptorTests {

	private static final long FD = 42;

	private final WebSocketServer server = mock(WebSocketServer.class);

	private final HelloListener helloListener = mock(HelloListener.class);

	private final SeedHandshakeInterceptor interceptor = new SeedHandshakeInterceptor(this.server,
			this.helloListener::open);

	@Test
	void acceptsRfcSampleKeyWithTheSeedsHeaders() {
		TestHandshakeResponse response = new TestHandshakeResponse();
		assertThat(this.interceptor.handshake(request("dGhlIHNhbXBsZSBub25jZQ=="), response)).isTrue();
		assertThat(response.getStatus()).isEqualTo(101);
		assertThat(response.isEnded()).isTrue();
		assertThat(response.headers).containsEntry("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
			.containsEntry("Upgrade", "websocket")
			.containsEntry("Connection", "Upgrade")
			.containsEntry("Sec-WebSocket-Version", "13")
			.doesNotContainKey("Sec-WebSocket-Protocol");
	}

	@Test
	void defersOpenLogicUntilTheConnectionIsEstablished() {
		this.interceptor.handshake(request("dGhlIHNhbXBsZSBub25jZQ=="), new TestHandshakeResponse());
		then(this.helloListener).shouldHaveNoInteractions();
		ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
		then(this.server).should().defer(task.capture());
		task.getValue().run();
		then(this.helloListener).should().open(FD);
	}

	@Test
	void answersWithTheFirstSubprotocolOffered() {
		TestHandshakeResponse response = new TestHandshakeResponse();
		this.interceptor.handshake(request("dGhlIHNhbXBsZSBub25jZQ==", "chat", "superchat"), response);
		assertThat(response.headers).containsEntry("Sec-WebSocket-Protocol", "chat");
	}

	@ParameterizedTest
	@ValueSource(strings = { "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR==",
			"dGhlIHNhbXBsZSBub25j-Q==", "dGhlIHNhbXBsZSBub25jZQ==x", "" })
	void rejectsKeyThatDoesNotMatchTheSeedsPatternWith400(String key) {
		TestHandshakeResponse response = new TestHandshakeResponse();
		assertThat(this.interceptor.handshake(request(key), response)).isFalse();
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.isEnded()).isTrue();
		assertThat(response.headers).isEmpty();
		then(this.server).should(never()).defer(any());
	}

	@Test
	void rejectsMissingKeyWith400() {
		TestHandshakeResponse response = new TestHandshakeResponse();
		assertThat(this.interceptor.handshake(request(null), response)).isFalse();
		assertThat(response.getStatus()).isEqualTo(400);
		then(this.server).shouldHaveNoInteractions();
	}

	private static HandshakeRequest request(@Nullable String key, String... subprotocols) {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Upgrade", "websocket");
		headers.add("Connection", "Upgrade");
		headers.add("Sec-WebSocket-Version", "13");
		if (key != null) {
			headers.add("Sec-WebSocket-Key", key);
		}
		if (subprotocols.length > 0) {
			headers.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
		}
		return new TestHandshakeRequest(headers, Arrays.asList(subprotocols));
	}

	private record TestHandshakeRequest(HttpHeaders headers, List<String> offered) implements HandshakeRequest {

		@Override
		public long getFd() {
			return FD;
		}

		@Override
		public String getMethod() {
			return "GET";
		}

		@Override
		public URI getUri() {
			return URI.create("http://127.0.0.1:9501/");
		}

		@Override
		public String getPath() {
			return "/";
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
			return this.headers;
		}

		@Override
		public List<String> getOfferedSubprotocols() {
			return this.offered;
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
			return new HashMap<>();
		}

	}

	private static final class TestHandshakeResponse implements HandshakeResponse {

		private final Map<String, String> headers = new LinkedHashMap<>();

		private int status;

		private boolean ended;

		@Override
		public HandshakeResponse status(int status) {
			this.status = status;
			return this;
		}

		@Override
		public HandshakeResponse header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		@Override
		public void end() {
			this.ended = true;
		}

		@Override
		public void end(String body) {
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

	}

}
