package io.wsboot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.Version;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the parts of the Netty and Reactor Netty pipeline of a WebSocket connection
 * that the server looks up by name or by type: Netty's frame decoder under the name
 * {@code wsdecoder} (replaced by the server's own), Netty's
 * {@link WebSocketFrameEncoder}, the permessage-deflate {@link WebSocketExtensionDecoder}
 * and {@link WebSocketExtensionEncoder}, and Reactor Netty's
 * {@link NettyPipeline#ReactiveBridge}. None of these is API of Netty or Reactor Netty,
 * so a new version of either can change them; these tests then say which.
 */
@SpringBootTest(classes = NettyPipelineTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.compression=true",
				"wsboot.idle-timeout=60s" })
class NettyPipelineTests {

	/**
	 * The name under which Netty's handshaker puts its frame decoder.
	 */
	private static final String FRAME_DECODER = "wsdecoder";

	@LocalServerPort
	private int port;

	@BeforeEach
	void forgetChannels() {
		TestApplication.channels.clear();
	}

	@Test
	void connectionWithoutExtensionHasTheHandlersTheServerLooksUp() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
			assertThat(socket.expectText()).startsWith("fd:");
			Pipeline pipeline = Pipeline.of(connectionChannel());
			pipeline.assertHandlersTheServerLooksUp();
			assertThat(pipeline.handlers()).as(pipeline.description())
				.noneMatch((handler) -> handler.getValue() instanceof WebSocketExtensionDecoder)
				.noneMatch((handler) -> handler.getValue() instanceof WebSocketExtensionEncoder);
		}
	}

	@Test
	void connectionWithPermessageDeflateHasTheHandlersTheServerLooksUp() throws Exception {
		try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port)
			.header("Sec-WebSocket-Extensions", "permessage-deflate")
			.connectRaw()) {
			assertThat(socket.handshakeResult().header("sec-websocket-extensions")).startsWith("permessage-deflate");
			assertThat(socket.readFrame()).isNotNull();
			Pipeline pipeline = Pipeline.of(connectionChannel());
			pipeline.assertHandlersTheServerLooksUp();
			assertThat(pipeline.handlers()).as(pipeline.description())
				.anyMatch((handler) -> handler.getValue() instanceof WebSocketExtensionDecoder)
				.anyMatch((handler) -> handler.getValue() instanceof WebSocketExtensionEncoder);
			// the server's check of reserved bits, right after the frame decoder
			assertThat(pipeline.after(FRAME_DECODER)).as(pipeline.description()).startsWith("io.wsboot.");
		}
	}

	private Channel connectionChannel() {
		List<Channel> active = TestApplication.channels.stream().filter(Channel::isActive).toList();
		assertThat(active).as("channels of this test's connection").hasSize(1);
		return active.get(0);
	}

	/**
	 * The handlers of a channel's pipeline, head first, taken on its event loop.
	 */
	private record Pipeline(List<Map.Entry<String, ChannelHandler>> handlers) {

		static Pipeline of(Channel channel) throws Exception {
			return channel.eventLoop().submit(() -> {
				List<Map.Entry<String, ChannelHandler>> handlers = new ArrayList<>();
				ChannelPipeline pipeline = channel.pipeline();
				for (String name : pipeline.names()) {
					ChannelHandler handler = pipeline.get(name);
					if (handler != null) {
						handlers.add(Map.entry(name, handler));
					}
				}
				return new Pipeline(handlers);
			}).get(5, TimeUnit.SECONDS);
		}

		void assertHandlersTheServerLooksUp() {
			List<String> names = this.handlers.stream().map(Map.Entry::getKey).toList();
			assertThat(names).as(description()).contains(FRAME_DECODER, NettyPipeline.ReactiveBridge);
			// Netty's decoder, replaced by the server's own under the same name
			assertThat(handler(FRAME_DECODER)).as(description()).isInstanceOf(WebSocket13FrameDecoder.class);
			assertThat(handler(FRAME_DECODER).getClass().getName()).as(description()).startsWith("io.wsboot.");
			// Netty's encoder, below which the server writes the frames it encodes
			assertThat(this.handlers).as(description())
				.anyMatch((handler) -> handler.getValue() instanceof WebSocketFrameEncoder);
			// the server's frame handler, right before Reactor Netty's bridge
			assertThat(before(NettyPipeline.ReactiveBridge)).as(description()).startsWith("io.wsboot.");
		}

		private ChannelHandler handler(String name) {
			return this.handlers.stream()
				.filter((handler) -> handler.getKey().equals(name))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElseThrow();
		}

		/**
		 * The class name of the handler next to the named one.
		 */
		String after(String name) {
			return neighbour(name, 1);
		}

		String before(String name) {
			return neighbour(name, -1);
		}

		private String neighbour(String name, int offset) {
			List<String> names = this.handlers.stream().map(Map.Entry::getKey).toList();
			int index = names.indexOf(name) + offset;
			assertThat(index).as(description()).isBetween(0, names.size() - 1);
			return this.handlers.get(index).getValue().getClass().getName();
		}

		String description() {
			StringBuilder description = new StringBuilder("the pipeline on Netty ")
				.append(Version.identify().get("netty-codec-http").artifactVersion())
				.append(" and Reactor Netty ")
				.append(NettyPipeline.class.getPackage().getImplementationVersion())
				.append(':');
			for (Map.Entry<String, ChannelHandler> handler : this.handlers) {
				description.append(' ')
					.append(handler.getKey())
					.append('=')
					.append(handler.getValue().getClass().getName());
			}
			return description.toString();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

		static final Queue<Channel> channels = new ConcurrentLinkedQueue<>();

		@Bean
		NettyServerCustomizer channelRecorder() {
			return (httpServer) -> httpServer.doOnChannelInit((observer, channel, address) -> channels.add(channel));
		}

	}

}
