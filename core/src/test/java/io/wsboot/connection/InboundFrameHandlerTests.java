package io.wsboot.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.connection.EmbeddedConnection.Sent;
import io.wsboot.server.WebSocketServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InboundFrameHandler} in the pipeline of a connection.
 */
class InboundFrameHandlerTests {

	private final List<EmbeddedConnection> opened = new ArrayList<>();

	@AfterEach
	void closeConnections() {
		this.opened.forEach(EmbeddedConnection::close);
	}

	private EmbeddedConnection open(WebSocketServerSettings.Builder settings) {
		EmbeddedConnection connection = new EmbeddedConnection(settings.build());
		this.opened.add(connection);
		return connection;
	}

	@Test
	void clientCloseFrameAfterServerCloseFrameClosesChannelAndIsNotPassedOn() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.connection.close(1001, "Going away");
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1001);
		assertThat(ws.channel.isOpen()).isTrue();
		ws.receive(new CloseWebSocketFrame(1001, "Going away"));
		assertThat(ws.channel.isOpen()).isFalse();
		assertThat(ws.passedOn).as("Reactor Netty would echo it").isEmpty();
		assertThat(ws.sent()).as("no second close frame").isEmpty();
		assertThat(ws.connection.closeCode()).isEqualTo(1001);
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void clientCloseFrameFirstIsPassedOnToReactorNetty() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.receive(new CloseWebSocketFrame(1000, "bye"));
		assertThat(ws.passedOn).containsExactly("CloseWebSocketFrame");
		assertThat(ws.channel.isOpen()).as("Reactor Netty answers it and closes").isTrue();
	}

	@Test
	void idleEventClosesWith1001() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(1001);
			assertThat(close.closeReason()).isEqualTo("Idle timeout");
		});
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void idleTimeoutWithoutFramesClosesWith1001() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().idleTimeout(Duration.ofSeconds(30)));
		ws.channel.advanceTimeBy(20, TimeUnit.SECONDS);
		ws.channel.runScheduledPendingTasks();
		ws.receive(new TextWebSocketFrame("still here"));
		ws.channel.advanceTimeBy(20, TimeUnit.SECONDS);
		ws.channel.runScheduledPendingTasks();
		assertThat(ws.sent()).as("a frame within the timeout keeps it open").isEmpty();
		ws.channel.advanceTimeBy(10, TimeUnit.SECONDS);
		ws.channel.runScheduledPendingTasks();
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1001);
	}

	@Test
	void writerIdleEventIsPassedOn() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
		assertThat(ws.sent()).isEmpty();
		assertThat(ws.connection.isOpen()).isTrue();
	}

	@Test
	void dataFramesGoToConnectionWhenListenersRunOnEventLoop() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.receive(new TextWebSocketFrame("a"), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1 })));
		assertThat(ws.passedOn).isEmpty();
		assertThat(ws.messages()).hasSize(2);
	}

	@Test
	void dataFramesArePassedOnWhenListenersRunOnWorker() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().worker(Runnable::run));
		ws.receive(new TextWebSocketFrame("a"), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1 })));
		assertThat(ws.passedOn).containsExactly("TextWebSocketFrame", "BinaryWebSocketFrame");
		assertThat(ws.messages()).hasSize(2);
	}

	@Test
	void closeFrameRefusedByDecoderIsProtocolErrorOfServer() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		// 1005 may not appear on the wire
		ws.receive(new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] { 0x03, (byte) 0xed })));
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(1002);
			assertThat(close.closeReason()).isEqualTo("close code 1005 may not be sent");
		});
		assertThat(ws.channel.isOpen()).isFalse();
		assertThat(ws.connection.closeCode()).isEqualTo(1002);
		assertThat(ws.connection.closeReason()).isEqualTo("close code 1005 may not be sent");
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(ws.exceptions).as("Reactor Netty's flux gets it too")
			.singleElement()
			.isInstanceOf(CorruptedWebSocketFrameException.class);
		assertThat(ws.passedOn).isEmpty();
	}

	@Test
	void closeReasonThatIsNotUtf8Is1007() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder());
		ws.receive(new CloseWebSocketFrame(true, 0,
				Unpooled.wrappedBuffer(new byte[] { 0x03, (byte) 0xe8, 'o', (byte) 0xff })));
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1007);
		assertThat(ws.connection.closeCode()).isEqualTo(1007);
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

}
