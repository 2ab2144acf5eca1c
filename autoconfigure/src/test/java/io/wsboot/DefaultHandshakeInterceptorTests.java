package io.wsboot;

import java.util.List;

import io.wsboot.test.HandshakeResult;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

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
		assertThat(handshake(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Protocol", "superchat")))
			.containsExactly("superchat");
	}

	@Test
	void selectsFirstSupportedSubprotocolOfCommaSeparatedOffer() throws Exception {
		assertThat(handshake(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Protocol", "foo, chat")))
			.containsExactly("chat");
	}

	@Test
	void selectsFirstSupportedSubprotocolInClientOrder() throws Exception {
		assertThat(
				handshake(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Protocol", "superchat, chat")))
			.containsExactly("superchat");
	}

	@Test
	void selectsSubprotocolOfferedOnSecondHeaderLine() throws Exception {
		assertThat(handshake(WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Protocol", "foo")
			.header("Sec-WebSocket-Protocol", "superchat"))).containsExactly("superchat");
	}

	@Test
	void trimsOfferedSubprotocols() throws Exception {
		assertThat(handshake(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Protocol", " foo ,  chat ")))
			.containsExactly("chat");
	}

	@Test
	void acceptsWithoutSubprotocolWhenNoneOfferedIsSupported() throws Exception {
		assertThat(handshake(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Protocol", "foo"))).isEmpty();
	}

	@Test
	void acceptsWithoutSubprotocolWhenNoneOffered() throws Exception {
		assertThat(handshake(WebSocketTestClient.forPort(this.port))).isEmpty();
	}

	@Test
	void doesNotNegotiateCompressionByDefault() throws Exception {
		HandshakeResult response = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate")
			.handshake()
			.expectSwitchingProtocols();
		assertThat(response.headerValues("sec-websocket-extensions")).isEmpty();
	}

	@Test
	void jdkClientGetsOfferedSubprotocol() throws Exception {
		try (WebSocketTestConnection client = WebSocketTestClient.forPort(this.port)
			.subprotocols("foo", "superchat")
			.connect()) {
			assertThat(client.subprotocol()).isEqualTo("superchat");
		}
	}

	@Test
	void leavesGetWithoutUpgradeToWebFlux() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).openSocket()) {
			socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(socket.readResponse().status()).isEqualTo(404);
		}
	}

	private List<String> handshake(WebSocketTestClient client) {
		return client.handshake().expectSwitchingProtocols().headerValues("sec-websocket-protocol");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
