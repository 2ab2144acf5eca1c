package io.wsboot;

import java.net.URI;

import io.wsboot.RawWebSocket.Request;
import io.wsboot.RawWebSocket.Response;
import io.wsboot.autoconfigure.WsbootProperties;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootProperties#isCompression()} enabled.
 */
@SpringBootTest(classes = CompressionTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.compression=true" })
class CompressionTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Test
	void negotiatesPermessageDeflateWithClientThatOffersIt() throws Exception {
		Request request = Request.upgrade("/").add("Sec-WebSocket-Extensions", "permessage-deflate");
		try (RawWebSocket socket = RawWebSocket.connect(this.port)) {
			Response response = socket.send(request).assertSwitchingProtocols(request);
			assertThat(response.header("sec-websocket-extensions")).startsWith("permessage-deflate");
		}
	}

	@Test
	void talksUncompressedToClientThatDoesNotOfferIt() throws Exception {
		try (JdkWebSocketClient client = JdkWebSocketClient
			.connectGreeted(URI.create("ws://localhost:" + this.port + "/"))) {
			client.sendText("plain");
			assertThat(this.recorder.awaitMessages(client.fd(), 1)).extracting(Frame::getData).containsExactly("plain");
			assertThat(this.server.push(client.fd(), "reply")).isTrue();
			assertThat(client.nextText()).isEqualTo("reply");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class })
	static class TestApplication {

	}

}
