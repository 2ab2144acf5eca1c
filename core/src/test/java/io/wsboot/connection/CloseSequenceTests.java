package io.wsboot.connection;

import java.util.concurrent.TimeUnit;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CloseSequence}.
 */
class CloseSequenceTests {

	private final EmbeddedChannel channel = new EmbeddedChannel();

	private final CloseSequence close = new CloseSequence(7, this.channel);

	@BeforeEach
	void freezeTime() {
		// The close timeout runs on the channel's clock alone
		this.channel.freezeTime();
	}

	@AfterEach
	void releaseChannel() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void closeWritesOneCloseFrameAndMovesToClosing() {
		assertThat(this.close.close(4000, "bye")).isTrue();
		assertCloseFrame(4000, "bye");
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.close.isOpen()).isFalse();
		assertThat(this.close.isClosed()).isFalse();
		assertThat(this.close.isCloseSent()).isTrue();
		assertThat(this.close.code()).isEqualTo(4000);
		assertThat(this.close.reason()).isEqualTo("bye");
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.channel.isOpen()).as("waits for the client's close frame").isTrue();
	}

	@Test
	void secondCloseWritesNothingAndReturnsFalse() {
		this.close.close(1000, "first");
		assertCloseFrame(1000, "first");
		assertThat(this.close.close(1001, "second")).isFalse();
		this.close.fail(1007, "third");
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.close.code()).isEqualTo(1000);
		assertThat(this.close.reason()).isEqualTo("first");
	}

	@Test
	void closeClosesChannelWhenCloseTimeoutElapses() {
		this.close.close(1000, "");
		assertCloseFrame(1000, "");
		this.channel.advanceTimeBy(CloseSequence.CLOSE_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isTrue();
		this.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void failWritesCloseFrameAndClosesChannelOnceWritten() {
		this.close.fail(1007, "Invalid UTF-8");
		assertCloseFrame(1007, "Invalid UTF-8");
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.close.isOpen()).isFalse();
		assertThat(this.close.code()).isEqualTo(1007);
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void failWhileClosingClosesChannelWithoutSecondCloseFrame() {
		this.close.close(1000, "");
		assertCloseFrame(1000, "");
		this.close.fail(1007, "Invalid UTF-8");
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.close.code()).isEqualTo(1000);
	}

	@Test
	void protocolErrorRecordsCodeAndServerAsCloser() {
		this.close.protocolError(WebSocketCloseStatus.PROTOCOL_ERROR, "close code 1005 may not be sent");
		assertThat((Object) this.channel.readOutbound()).as("the decoder sent the close frame").isNull();
		assertThat(this.close.isOpen()).isFalse();
		assertThat(this.close.code()).isEqualTo(1002);
		assertThat(this.close.reason()).isEqualTo("close code 1005 may not be sent");
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(this.close.closeReceived(WebSocketCloseStatus.PROTOCOL_ERROR)).as("the server's close frame")
			.isFalse();
		assertThat(this.close.code()).isEqualTo(1002);
		assertThat(this.close.close(1000, "")).isFalse();
		assertThat((Object) this.channel.readOutbound()).isNull();
	}

	@Test
	void closeReceivedFromClientKeepsClientAsCloserAndItsCode() {
		assertThat(this.close.closeReceived(new WebSocketCloseStatus(4001, "client leaves"))).isTrue();
		assertThat(this.close.isOpen()).isFalse();
		assertThat(this.close.isCloseSent()).isFalse();
		assertThat(this.close.code()).isEqualTo(4001);
		assertThat(this.close.reason()).isEqualTo("client leaves");
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.close.close(1000, "")).as("Reactor Netty answers the client's close frame").isFalse();
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.CLIENT);
		assertThat(this.close.code()).isEqualTo(4001);
	}

	@Test
	void closeReceivedAfterServerCloseKeepsServerCode() {
		this.close.close(1008, "policy");
		assertCloseFrame(1008, "policy");
		assertThat(this.close.closeReceived(new WebSocketCloseStatus(1000, "ok"))).isFalse();
		assertThat(this.close.code()).isEqualTo(1008);
		assertThat(this.close.reason()).isEqualTo("policy");
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	@Test
	void codeIs1006WithoutCloseFrame() {
		assertThat(this.close.markClosed()).isTrue();
		assertThat(this.close.code()).isEqualTo(1006);
		assertThat(this.close.reason()).isEmpty();
		assertThat(this.close.closedBy()).isEqualTo(ClosedBy.CLIENT);
	}

	@Test
	void markClosedMovesOnce() {
		assertThat(this.close.isOpen()).isTrue();
		assertThat(this.close.markClosed()).isTrue();
		assertThat(this.close.isClosed()).isTrue();
		assertThat(this.close.isOpen()).isFalse();
		assertThat(this.close.markClosed()).isFalse();
		assertThat(this.close.isClosed()).isTrue();
		assertThat(this.close.close(1000, "")).as("no close frame once the TCP connection is gone").isFalse();
		assertThat((Object) this.channel.readOutbound()).isNull();
	}

	@Test
	void markClosedWhileClosingMovesOnce() {
		this.close.close(1000, "");
		assertCloseFrame(1000, "");
		assertThat(this.close.markClosed()).isTrue();
		assertThat(this.close.markClosed()).isFalse();
		assertThat(this.close.code()).isEqualTo(1000);
	}

	private void assertCloseFrame(int code, String reason) {
		CloseWebSocketFrame frame = this.channel.readOutbound();
		assertThat(frame).isNotNull();
		try {
			assertThat(frame.statusCode()).isEqualTo(code);
			assertThat(frame.reasonText()).isEqualTo(reason);
		}
		finally {
			frame.release();
		}
	}

}
