package io.wsboot.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.wsboot.Frame;
import io.wsboot.connection.EmbeddedConnection.Sent;
import io.wsboot.server.WebSocketServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PipelineInitializer}.
 */
class PipelineInitializerTests {

	private final List<EmbeddedConnection> opened = new ArrayList<>();

	@AfterEach
	void closeConnections() {
		this.opened.forEach(EmbeddedConnection::close);
	}

	private EmbeddedConnection open(WebSocketServerSettings.Builder settings, boolean deflate) {
		EmbeddedConnection connection = new EmbeddedConnection(settings.build(), deflate);
		this.opened.add(connection);
		return connection;
	}

	@Test
	void putsHandlersAroundNettyAndReactorNettyHandlers() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().sendBufferSize(1000), false);
		assertThat(ws.channel.pipeline().names()).startsWith("wsboot.flushConsolidation", "wsencoder",
				WsbootFrameDecoder.NAME, InboundFrameHandler.NAME, NettyPipeline.ReactiveBridge);
		assertThat(ws.channel.pipeline().first()).isInstanceOf(FlushConsolidationHandler.class);
		assertThat(ws.channel.pipeline().get(WsbootFrameDecoder.NAME)).isInstanceOf(WsbootFrameDecoder.class);
		assertThat(ws.channel.pipeline().get(IdleStateHandler.class)).isNull();
		assertThat(ws.channel.pipeline().get(ExtensionRsvValidator.NAME)).isNull();
		WriteBufferWaterMark marks = ws.channel.config().getWriteBufferWaterMark();
		assertThat(marks.low()).isEqualTo(500);
		assertThat(marks.high()).isEqualTo(1000);
		assertThat(ws.connection.writer().encodesFrames()).isTrue();
	}

	@Test
	void addsIdleStateHandlerBeforeFrameHandlerForIdleTimeout() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().idleTimeout(Duration.ofSeconds(5)), false);
		List<String> names = ws.channel.pipeline().names();
		assertThat(names.indexOf("wsboot.idleState")).isPositive().isLessThan(names.indexOf(InboundFrameHandler.NAME));
		IdleStateHandler idle = (IdleStateHandler) ws.channel.pipeline().get("wsboot.idleState");
		assertThat(idle.getReaderIdleTimeInMillis()).isEqualTo(5000);
	}

	@Test
	void frameWithReservedBitIsProtocolErrorWithoutDeflate() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder(), false);
		ws.receive(new TextWebSocketFrame(true, 4, "compressed?"));
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1002);
		assertThat(ws.channel.isOpen()).isFalse();
		assertThat(ws.connection.closeCode()).isEqualTo(1002);
		assertThat(ws.messages()).isEmpty();
	}

	@Test
	void withDeflateChecksReservedBitsAndLetsNettyEncodeFrames() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder(), true);
		List<String> names = ws.channel.pipeline().names();
		assertThat(names.indexOf(ExtensionRsvValidator.NAME)).isEqualTo(names.indexOf(WsbootFrameDecoder.NAME) + 1);
		assertThat(ws.connection.writer().encodesFrames()).isFalse();
		String text = "a compressed message, a compressed message, a compressed message";
		ws.receive(new TextWebSocketFrame(text));
		assertThat(ws.messages()).extracting(Frame::getData).containsExactly(text);
		assertThat(ws.connection.writer().text(text)).isTrue();
		assertThat(ws.connection.writer().binary(new byte[] { 1, 2, 3 })).isTrue();
		assertThat(ws.sent()).extracting(Sent::toString).containsExactly("Text:" + text, "Binary:\u0001\u0002\u0003");
		assertThat(ws.connection.isOpen()).isTrue();
	}

	@Test
	void withDeflateReservedBitOnContinuationIsProtocolError() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder(), true);
		ws.receive(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] { 1 })));
		ws.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { (byte) 0xc0, (byte) 0x81, 0, 0, 0, 0, 2 }));
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1002);
		assertThat(ws.connection.closeCode()).isEqualTo(1002);
		assertThat(ws.messages()).isEmpty();
	}

}
