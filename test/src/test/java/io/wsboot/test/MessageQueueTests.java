package io.wsboot.test;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wsboot.test.WebSocketTestConnection.Binary;
import io.wsboot.test.WebSocketTestConnection.Closed;
import io.wsboot.test.WebSocketTestConnection.Failed;
import io.wsboot.test.WebSocketTestConnection.Text;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MessageQueue}.
 */
class MessageQueueTests {

	private static final Duration SHORT = Duration.ofMillis(50);

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final MessageQueue queue = new MessageQueue(URI.create("ws://localhost:1/ws"));

	private final RequestCountingWebSocket webSocket = new RequestCountingWebSocket();

	@Test
	void queuesATextMessageOnceItsLastFragmentArrivesAndRequestsTheNext() {
		this.queue.onText(this.webSocket, "frag", false);
		assertThat(this.queue.next(SHORT)).isNull();
		this.queue.onText(this.webSocket, "ment", true);
		this.queue.onText(this.webSocket, "next", true);
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Text("fragment"));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Text("next"));
		assertThat(this.webSocket.requested).isEqualTo(3);
	}

	@Test
	void queuesABinaryMessageOnceItsLastFragmentArrives() {
		this.queue.onBinary(this.webSocket, ByteBuffer.wrap(new byte[] { 1, 2 }), false);
		this.queue.onBinary(this.webSocket, ByteBuffer.wrap(new byte[] { 3 }), true);
		this.queue.onBinary(this.webSocket, ByteBuffer.wrap(new byte[] { 4 }), true);
		assertThat(this.queue.next(TIMEOUT)).isInstanceOfSatisfying(Binary.class,
				(binary) -> assertThat(binary.data()).containsExactly(1, 2, 3));
		assertThat(this.queue.next(TIMEOUT)).isInstanceOfSatisfying(Binary.class,
				(binary) -> assertThat(binary.data()).containsExactly(4));
		assertThat(this.webSocket.requested).isEqualTo(3);
	}

	@Test
	void keepsTheCloseFrameAfterTheMessagesAndNeverTakesItOff() {
		this.queue.onText(this.webSocket, "last words", true);
		this.queue.onClose(this.webSocket, 1001, "going away");
		assertThat(this.queue.isEnded()).isTrue();
		assertThat(this.queue.pending()).containsExactly(new Text("last words"), new Closed(1001, "going away"));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Text("last words"));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Closed(1001, "going away"));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Closed(1001, "going away"));
		assertThat(this.queue.pending()).containsExactly(new Closed(1001, "going away"));
	}

	@Test
	void keepsTheErrorThatEndedTheConnection() {
		IllegalStateException error = new IllegalStateException("reset");
		this.queue.onError(this.webSocket, error);
		assertThat(this.queue.isEnded()).isTrue();
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Failed(error));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Failed(error));
		assertThat(MessageQueue.isEnd(new Failed(error))).isTrue();
		assertThat(MessageQueue.isEnd(new Text("x"))).isFalse();
	}

	@Test
	void awaitEndReturnsOnceTheCloseFrameArrivesFromAnotherThread() throws Exception {
		assertThat(this.queue.isEnded()).isFalse();
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> this.queue.awaitEnd(SHORT));
		CompletableFuture.runAsync(() -> this.queue.onClose(this.webSocket, 1000, ""));
		this.queue.awaitEnd(TIMEOUT);
		assertThat(this.queue.isEnded()).isTrue();
	}

	@Test
	void nextWaitsForAMessageFromAnotherThread() {
		CompletableFuture.runAsync(() -> this.queue.onText(this.webSocket, "later", true),
				CompletableFuture.delayedExecutor(SHORT.toMillis(), TimeUnit.MILLISECONDS));
		assertThat(this.queue.next(TIMEOUT)).isEqualTo(new Text("later"));
	}

	/**
	 * A {@link WebSocket} that counts the messages the listener requests and supports
	 * nothing else.
	 */
	static final class RequestCountingWebSocket implements WebSocket {

		volatile long requested;

		@Override
		public synchronized void request(long n) {
			this.requested += n;
		}

		@Override
		public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String getSubprotocol() {
			return "";
		}

		@Override
		public boolean isOutputClosed() {
			return false;
		}

		@Override
		public boolean isInputClosed() {
			return false;
		}

		@Override
		public void abort() {
		}

	}

}
