package io.wsboot;

import java.net.URI;
import java.util.List;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.RawWebSocket.Response;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DefaultHandshakeInterceptor} on the wire, with
 * {@code wsboot.subprotocols=chat,superchat}.
 */
@SpringBootTest(classes = DefaultHandshakeInterceptorTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.subprotocols=chat,superchat" })
class DefaultHandshakeInterceptorTests {

	@LocalServerPort
	private int port;

	@Test
	void selectsOfferedSubprotocol() throws Exception {
		assertThat(handshake(Request.upgrade("/").add("Sec-WebSocket-Protocol", "superchat")))
			.containsExactly("superchat");
	}

	@Test
	void selectsFirstSupportedSubprotocolOfCommaSeparatedOffer() throws Exception {
		assertThat(handshake(Request.upgrade("/").add("Sec-WebSocket-Protocol", "foo, chat"))).containsExactly("chat");
	}

	@Test
	void selectsFirstSupportedSubprotocolInClientOrder() throws Exception {
		assertThat(handshake(Request.upgrade("/").add("Sec-WebSocket-Protocol", "superchat, chat")))
			.containsExactly("superchat");
	}

	@Test
	void selectsSubprotocolOfferedOnSecondHeaderLine() throws Exception {
		assertThat(handshake(
				Request.upgrade("/").add("Sec-WebSocket-Protocol", "foo").add("Sec-WebSocket-Protocol", "superchat")))
			.containsExactly("superchat");
	}

	@Test
	void trimsOfferedSubprotocols() throws Exception {
		assertThat(handshake(Request.upgrade("/").add("Sec-WebSocket-Protocol", " foo ,  chat ")))
			.containsExactly("chat");
	}

	@Test
	void acceptsWithoutSubprotocolWhenNoneOfferedIsSupported() throws Exception {
		assertThat(handshake(Request.upgrade("/").add("Sec-WebSocket-Protocol", "foo"))).isEmpty();
	}

	@Test
	void acceptsWithoutSubprotocolWhenNoneOffered() throws Exception {
		assertThat(handshake(Request.upgrade("/"))).isEmpty();
	}

	@Test
	void doesNotNegotiateCompressionByDefault() throws Exception {
		Request request = Request.upgrade("/").add("Sec-WebSocket-Extensions", "permessage-deflate");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request).assertSwitchingProtocols(request);
			assertThat(response.headers("sec-websocket-extensions")).isEmpty();
		}
	}

	@Test
	void jdkClientGetsOfferedSubprotocol() throws Exception {
		URI uri = URI.create("ws://localhost:" + this.port + "/");
		try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri, "foo", "superchat")) {
			assertThat(client.subprotocol()).isEqualTo("superchat");
		}
	}

	@Test
	void leavesGetWithoutUpgradeToWebFlux() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			assertThat(socket.send(Request.get("/")).status()).isEqualTo(404);
		}
	}

	private List<String> handshake(Request request) throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request).assertSwitchingProtocols(request);
			return response.headers("sec-websocket-protocol");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(EventRecorder.class)
	static class TestApplication {

	}

}
