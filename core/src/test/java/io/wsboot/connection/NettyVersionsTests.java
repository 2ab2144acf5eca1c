package io.wsboot.connection;

import java.util.Map;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.Version;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.server.WebSocketServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link NettyVersions}.
 */
class NettyVersionsTests {

	private final EmbeddedChannel channel = new EmbeddedChannel();

	@AfterEach
	void releaseChannel() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void startupCheckPassesOnNettyInUse() {
		assertThatNoException().isThrownBy(NettyVersions::checkHandshaker);
		assertThatNoException().isThrownBy(PipelineInitializer::checkNetty);
	}

	@Test
	void versionsNameNettyAndReactorNettyInUse() {
		String netty = Version.identify().get("netty-codec-http").artifactVersion();
		assertThat(NettyVersions.versions()).startsWith("Netty " + netty + " and Reactor Netty ")
			.matches(".* and Reactor Netty \\d+\\.\\d+\\.\\d+.*");
	}

	@Test
	void pipelineWithoutFrameDecoderFailsNamingVersions() {
		this.channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast("decoder", new WebSocket13FrameDecoder(true, false, 65536))
			.addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
		assertThatIllegalStateException().isThrownBy(() -> NettyVersions.checkHandlers(this.channel.pipeline()))
			.withMessageContaining("named 'wsdecoder'")
			.withMessageContaining(NettyVersions.versions())
			.withMessageContaining("[wsencoder, decoder, " + NettyPipeline.ReactiveBridge);
	}

	@Test
	void pipelineWithoutReactiveBridgeFailsNamingVersions() {
		this.channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast(WsbootFrameDecoder.NAME, new WebSocket13FrameDecoder(true, false, 65536));
		assertThatIllegalStateException().isThrownBy(() -> NettyVersions.checkHandlers(this.channel.pipeline()))
			.withMessageContaining("Reactor Netty's handler named '" + NettyPipeline.ReactiveBridge + "'")
			.withMessageContaining(NettyVersions.versions());
	}

	@Test
	void initializerFailsOnPipelineWithoutFrameDecoder() {
		this.channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
		WebSocketServerSettings settings = WebSocketServerSettings.builder().build();
		WebSocketConnection connection = new WebSocketConnection(this.channel, new TestHandshakeRequest(1, "/ws"),
				Map.of(), null, settings, new WebSocketCounters(), EmbeddedConnection.publisher((event) -> {
				}));
		assertThatIllegalStateException().isThrownBy(() -> new PipelineInitializer(settings).initialize(connection))
			.withMessageContaining("'wsdecoder'")
			.withMessageContaining("Netty " + Version.identify().get("netty-codec-http").artifactVersion());
		assertThat(this.channel.pipeline().names()).doesNotContain(InboundFrameHandler.NAME);
	}

}
